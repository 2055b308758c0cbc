import pytest

from tests.factories import ArticleFactory, comment_post_data


@pytest.fixture
def article(db):
    return ArticleFactory(title="Talks resume", slug="talks-resume")


@pytest.fixture
def post_data():
    """Valid comment-form data for an article, as the page's form would send it."""
    return comment_post_data
