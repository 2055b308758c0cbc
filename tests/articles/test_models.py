from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import resolve
from django.utils import timezone

from articles.models import Article
from articles.roles import AUTHORS, EDITORS, MODERATORS, ROLE_PERMISSIONS, ensure_roles
from tests.factories import ArticleFactory, PageFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


# published(), scheduled(), drafts() and the in-memory mirrors


def test_published_includes_articles_whose_time_has_come():
    article = ArticleFactory(published_at=timezone.now() - timedelta(minutes=1))

    assert list(Article.objects.published()) == [article]


def test_published_excludes_future_and_draft_articles():
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    ArticleFactory(published_at=timezone.now() + timedelta(minutes=1))

    assert not Article.objects.published().exists()


def test_scheduled_article_appears_by_itself_once_its_time_has_come():
    now = timezone.now()
    article = ArticleFactory(published_at=now + timedelta(minutes=1))
    assert article not in Article.objects.published()

    # Nothing touches the row: only the clock moves on.
    with time_machine.travel(now + timedelta(minutes=2), tick=False):
        assert list(Article.objects.published()) == [article]
        assert not Article.objects.scheduled().exists()
        assert Article.objects.get(pk=article.pk).is_published()


def test_article_is_published_at_exactly_its_publication_time():
    moment = timezone.now()
    article = ArticleFactory(published_at=moment)

    with time_machine.travel(moment, tick=False):
        assert list(Article.objects.published()) == [article]
        assert article.is_published()


def test_scheduled_returns_only_published_articles_with_a_time_to_come():
    scheduled = ArticleFactory(scheduled=True)
    ArticleFactory()
    ArticleFactory(draft=True)

    assert list(Article.objects.scheduled()) == [scheduled]


def test_drafts_returns_only_drafts_whatever_their_publication_time():
    draft = ArticleFactory(draft=True)
    dated_draft = ArticleFactory(
        status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=1)
    )
    ArticleFactory()
    ArticleFactory(scheduled=True)

    assert set(Article.objects.drafts()) == {draft, dated_draft}


def test_published_is_chainable_with_other_filters():
    section = SectionFactory()
    article = ArticleFactory(section=section)
    ArticleFactory()
    ArticleFactory(section=section, draft=True)

    assert list(Article.objects.filter(section=section).published()) == [article]
    assert list(Article.objects.published().filter(section=section)) == [article]


@pytest.mark.parametrize(
    ("traits", "state"),
    [
        ({"draft": True}, Article.State.DRAFT),
        ({"scheduled": True}, Article.State.SCHEDULED),
        ({}, Article.State.PUBLISHED),
        # A draft keeps its planned time but stays a draft.
        (
            {"status": Article.Status.DRAFT, "published_at": datetime(2020, 1, 1, tzinfo=UTC)},
            Article.State.DRAFT,
        ),
    ],
)
def test_state_and_is_published_mirror_the_querysets(traits, state):
    article = ArticleFactory(**traits)

    assert article.state == state
    assert article.is_published() == Article.objects.published().filter(pk=article.pk).exists()
    assert (state == Article.State.SCHEDULED) == (article in Article.objects.scheduled())
    assert (state == Article.State.DRAFT) == (article in Article.objects.drafts())


def test_publishing_without_a_time_sets_it_to_now_on_save():
    article = ArticleFactory(draft=True)
    before = timezone.now()

    article.status = Article.Status.PUBLISHED
    article.save()

    article.refresh_from_db()
    assert before <= article.published_at <= timezone.now()
    assert article.is_published()


def test_publishing_keeps_a_time_given_by_the_editor():
    when = timezone.now() + timedelta(days=3)
    article = ArticleFactory(draft=True)

    article.status = Article.Status.PUBLISHED
    article.published_at = when
    article.save()

    article.refresh_from_db()
    assert article.published_at == when
    assert article.state == Article.State.SCHEDULED


def test_saving_a_draft_leaves_its_publication_time_empty():
    article = ArticleFactory(draft=True)

    article.save()

    article.refresh_from_db()
    assert article.published_at is None


def test_database_refuses_published_article_without_publication_time():
    article = ArticleFactory(draft=True)

    # atomic() so that PostgreSQL can carry on with the test's transaction afterwards.
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


# get_absolute_url()


def test_absolute_url_uses_the_publication_date_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    # 23:30 UTC on a summer day is 00:30 the next day in London (BST).
    article = ArticleFactory(
        slug="late-news", published_at=datetime(2024, 6, 10, 23, 30, tzinfo=UTC)
    )

    url = article.get_absolute_url()

    assert url == "/2024/06/11/late-news/"
    assert resolve(url).view_name == "articles:detail"


def test_absolute_url_in_winter_keeps_the_utc_date_in_london(settings):
    settings.TIME_ZONE = "Europe/London"
    article = ArticleFactory(
        slug="winter-news", published_at=datetime(2024, 1, 5, 23, 30, tzinfo=UTC)
    )

    assert article.get_absolute_url() == "/2024/01/05/winter-news/"


def test_absolute_url_follows_a_different_site_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    article = ArticleFactory(
        slug="early-news", published_at=datetime(2024, 6, 11, 2, 0, tzinfo=UTC)
    )

    assert article.get_absolute_url() == "/2024/06/10/early-news/"


def test_absolute_url_of_a_draft_is_its_preview():
    article = ArticleFactory(draft=True)

    url = article.get_absolute_url()

    assert url == f"/preview/{article.pk}/"
    assert resolve(url).view_name == "articles:preview"


def test_absolute_url_of_a_dated_draft_is_still_its_preview():
    article = ArticleFactory(
        status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=1)
    )

    assert article.get_absolute_url() == f"/preview/{article.pk}/"


# related_to()


def test_related_orders_by_shared_tags_then_recency_and_includes_same_section():
    now = timezone.now()
    section, other = SectionFactory(), SectionFactory()
    article = ArticleFactory(section=section, tags=["iran", "oil", "sanctions"])
    two_shared = ArticleFactory(
        section=other, tags=["iran", "oil"], published_at=now - timedelta(days=5)
    )
    one_shared_recent = ArticleFactory(
        section=other, tags=["oil", "shipping"], published_at=now - timedelta(days=1)
    )
    one_shared_older = ArticleFactory(
        section=other, tags=["sanctions"], published_at=now - timedelta(days=3)
    )
    same_section = ArticleFactory(section=section, published_at=now - timedelta(hours=2))
    ArticleFactory(section=other, tags=["football"])  # unrelated
    tag_ids = [tag.pk for tag in article.tags.all()]

    related = list(Article.objects.published().related_to(article, tag_ids=tag_ids))

    assert related == [two_shared, one_shared_recent, one_shared_older, same_section]
    assert [a.shared_tags for a in related] == [2, 1, 1, 0]


def test_related_excludes_the_article_itself_and_unpublished_ones():
    article = ArticleFactory(tags=["iran", "oil"])
    ArticleFactory(draft=True, section=article.section, tags=["iran", "oil"])
    ArticleFactory(scheduled=True, section=article.section, tags=["iran", "oil"])
    published = ArticleFactory(tags=["iran"])
    tag_ids = [tag.pk for tag in article.tags.all()]

    related = list(Article.objects.published().related_to(article, tag_ids=tag_ids))

    assert related == [published]


def test_related_lists_each_article_once_when_it_shares_tags_and_section():
    article = ArticleFactory(tags=["iran", "oil", "gas"])
    twin = ArticleFactory(section=article.section, tags=["iran", "oil", "gas", "opec"])
    tag_ids = [tag.pk for tag in article.tags.all()]

    related = list(Article.objects.published().related_to(article, tag_ids=tag_ids))

    assert related == [twin]
    assert related[0].shared_tags == 3


def test_related_to_an_untagged_article_lists_its_section():
    article = ArticleFactory()
    same_section = ArticleFactory(section=article.section)
    ArticleFactory(tags=["iran"])

    related = list(Article.objects.published().related_to(article, tag_ids=[]))

    assert related == [same_section]


# Page slugs


@pytest.mark.parametrize("slug", ["admin", "section", "tag", "author", "preview", "page"])
def test_page_refuses_a_reserved_slug(slug):
    page = PageFactory.build(slug=slug)

    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()

    assert "slug" in excinfo.value.message_dict


def test_page_accepts_an_ordinary_slug():
    PageFactory.build(slug="about").full_clean()


# Roles


def test_migrations_create_the_editor_and_author_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS, AUTHORS, MODERATORS}


def test_only_editors_may_publish():
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITORS))
    author = UserFactory()
    author.groups.add(Group.objects.get(name=AUTHORS))

    assert editor.has_perm("articles.publish_article")
    assert author.has_perm("articles.change_article")
    assert not author.has_perm("articles.publish_article")


def test_moderators_and_editors_moderate_comments_but_moderators_write_nothing():
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITORS))
    author = UserFactory()
    author.groups.add(Group.objects.get(name=AUTHORS))

    assert moderator.has_perm("comments.change_comment")
    assert moderator.has_perm("comments.add_blockeditem")
    assert not moderator.has_perm("articles.change_article")
    assert editor.has_perm("comments.change_comment")
    assert not author.has_perm("comments.change_comment")


@pytest.mark.parametrize("role", [EDITORS, AUTHORS, MODERATORS])
def test_every_role_permission_exists(role):
    # ensure_roles() skips unknown codenames silently; a typo would lose a permission.
    group = Group.objects.get(name=role)
    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert granted == set(ROLE_PERMISSIONS[role])


def test_ensure_roles_is_idempotent():
    def snapshot():
        return {
            group.name: set(group.permissions.values_list("pk", flat=True))
            for group in Group.objects.filter(name__in=[EDITORS, AUTHORS])
        }

    before = snapshot()

    ensure_roles()
    ensure_roles()

    assert Group.objects.filter(name__in=[EDITORS, AUTHORS]).count() == 2
    assert snapshot() == before


def test_ensure_roles_restores_permissions_edited_by_hand():
    author_group = Group.objects.get(name=AUTHORS)
    author_group.permissions.add(
        Permission.objects.get(content_type__app_label="articles", codename="publish_article")
    )
    Group.objects.get(name=EDITORS).delete()

    ensure_roles()

    assert not author_group.permissions.filter(codename="publish_article").exists()
    assert Group.objects.get(name=EDITORS).permissions.filter(codename="publish_article").exists()
