"""Bodies saved before ewview made the site's own media addresses site-relative on save."""

from django.db import migrations

# The rule itself, not a frozen copy: it reads only settings and the text it is given.
from articles.html import media_addresses_relative


def normalise(apps, schema_editor):
    for model_name in ("Article", "Page"):
        model = apps.get_model("articles", model_name)
        for pk, body in model.objects.filter(body__contains="://").values_list("pk", "body"):
            fixed = media_addresses_relative(body)
            if fixed != body:
                model.objects.filter(pk=pk).update(body=fixed)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_article_search_vector")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
