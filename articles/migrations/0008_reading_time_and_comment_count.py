"""Each article's reading time, worked out from its body on save and here for existing rows, and
its count of public comments, kept by the comments app (filled in by comments 0003)."""

from django.db import migrations, models
from django.utils.html import strip_tags

WORDS_PER_MINUTE = 230


def fill_reading_minutes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    articles = list(Article.objects.only("pk", "body"))
    for article in articles:
        words = len(strip_tags(article.body).split())
        article.reading_minutes = max(1, round(words / WORDS_PER_MINUTE))
    Article.objects.bulk_update(articles, ["reading_minutes"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_library_image"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="comment_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="reading_minutes",
            field=models.PositiveSmallIntegerField(
                default=1,
                editable=False,
                help_text="Minutes a reader needs, from the body's word count.",
            ),
        ),
        migrations.RunPython(fill_reading_minutes, migrations.RunPython.noop),
    ]
