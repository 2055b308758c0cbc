"""Each article's count of public comments (Article.comment_count), from then on kept by
comments.counts whenever a comment changes."""

from django.db import migrations
from django.db.models import Count


def fill_comment_counts(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ContentType = apps.get_model("contenttypes", "ContentType")
    BaseComment = apps.get_model("django_comments", "Comment")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if content_type is None:
        return
    rows = (
        BaseComment.objects.filter(content_type=content_type, is_public=True, is_removed=False)
        .values("object_pk")
        .annotate(count=Count("pk"))
    )
    counts = {int(row["object_pk"]): row["count"] for row in rows if row["object_pk"].isdigit()}
    articles = list(Article.objects.filter(pk__in=counts).only("pk"))
    for article in articles:
        article.comment_count = counts[article.pk]
    Article.objects.bulk_update(articles, ["comment_count"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_comment_text_html"),
        ("articles", "0008_reading_time_and_comment_count"),
    ]

    operations = [
        migrations.RunPython(fill_comment_counts, migrations.RunPython.noop),
    ]
