from django_comments_xtd.moderation import XtdCommentModerator


class ArticleCommentModerator(XtdCommentModerator):
    """Refuses comments on articles that are not public or whose comments are closed."""

    enable_field = "comments_open"

    def allow(self, comment, content_object, request):
        return content_object.is_published() and super().allow(comment, content_object, request)

    def moderate(self, comment, content_object, request):
        # Holding is decided when the comment is created (comments.policy), after confirmation.
        return False
