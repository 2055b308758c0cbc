"""The stored search vector of each article (articles.search), GIN-indexed and filled in on
PostgreSQL; on SQLite the column stays empty and search uses its simple fallback."""

import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations

# The same vector articles.search builds: title (A), standfirst (B), body without tags (C),
# authors' names and tags (D).
FILL = """
UPDATE articles_article AS a SET search_vector =
    setweight(to_tsvector(%(config)s, coalesce(a.title, '')), 'A')
    || setweight(to_tsvector(%(config)s, coalesce(a.standfirst, '')), 'B')
    || setweight(to_tsvector(%(config)s, regexp_replace(a.body, '<[^>]+>', ' ', 'g')), 'C')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(au.name, ' ') FROM articles_author au
        JOIN articles_article_authors aa ON aa.author_id = au.id WHERE aa.article_id = a.id
    ), '')), 'D')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(t.name, ' ') FROM taggit_tag t
        JOIN taggit_taggeditem ti ON ti.tag_id = t.id
        JOIN django_content_type ct ON ct.id = ti.content_type_id
        WHERE ct.app_label = 'articles' AND ct.model = 'article' AND ti.object_id = a.id
    ), '')), 'D')
"""


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX article_search_vector ON articles_article USING gin (search_vector)"
    )
    schema_editor.execute(FILL, {"config": settings.SEARCH_CONFIG})


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
