from django.db.models.signals import post_delete, post_save
from django_comments.signals import comment_was_posted
from django_comments_xtd import views as xtd_views
from django_comments_xtd.models import TmpXtdComment
from django_comments_xtd.moderation import moderator

from articles.cache import article_pages_changed
from articles.models import Article

from .counts import comment_count_refresh
from .linkbacks import linkbacks_refresh
from .models import Comment, Linkback
from .moderation import ArticleCommentModerator
from .services import article_discussion_delete, comment_submit


def connect() -> None:
    moderator.register(Article, ArticleCommentModerator)
    # xtd's own handler mails from the request and makes tokens that never expire; ours
    # keeps the comment until confirmed and mails through background tasks.
    comment_was_posted.disconnect(xtd_views.on_comment_was_posted, sender=TmpXtdComment)
    comment_was_posted.connect(on_comment_was_posted, sender=TmpXtdComment)
    post_save.connect(on_article_saved, sender=Article, dispatch_uid="comments.linkbacks")
    post_delete.connect(on_article_deleted, sender=Article, dispatch_uid="comments.discussion")
    # Whatever a moderator or reader does to a comment or a pingback shows on its article's page.
    for signal in (post_save, post_delete):
        signal.connect(on_comment_changed, sender=Comment, dispatch_uid=f"comments.page-{signal}")
        signal.connect(on_linkback_changed, sender=Linkback, dispatch_uid=f"linkback.page-{signal}")


def on_comment_was_posted(sender, comment, request, **kwargs):
    # Read by the post view, which sends the poster to a page saying what became of it.
    request.comment_receipt = comment_submit(tmp_comment=comment, request=request)


def on_article_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    linkbacks_refresh(article=instance)


def on_article_deleted(sender, instance, **kwargs):
    # Comments point at their article by content type and id, which the database cannot cascade.
    article_discussion_delete(article_id=instance.pk)


def on_comment_changed(sender, instance, **kwargs):
    article_pages_changed(article_ids=[instance.object_pk])
    comment_count_refresh(article_id=instance.object_pk)


def on_linkback_changed(sender, instance, **kwargs):
    article_pages_changed(article_ids=[instance.target_id])
