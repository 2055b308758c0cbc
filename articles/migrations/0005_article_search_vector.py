"""The stored search vector of each article (articles.search), GIN-indexed and filled in on
PostgreSQL; on SQLite the column stays empty and search uses its simple fallback."""

import django.contrib.postgres.search
from django.db import migrations

from articles.search import search_vectors_rebuild


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX article_search_vector ON articles_article USING gin (search_vector)"
    )
    # The rule itself, not a frozen copy: one SQL statement that reads only the columns it names.
    search_vectors_rebuild()


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_author_notify_of_comments"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(index_and_fill, drop_index),
    ]
