from django.db import migrations, models

from comments.display import comment_html


def fill_text_html(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "comment").iterator(chunk_size=1000):
        comment.text_html = comment_html(comment.comment)
        batch.append(comment)
        if len(batch) == 1000:
            Comment.objects.bulk_update(batch, ["text_html"])
            batch = []
    Comment.objects.bulk_update(batch, ["text_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="text_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_text_html, migrations.RunPython.noop),
    ]
