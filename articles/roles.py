"""Staff roles: the groups an administrator gives people, kept in step with the code."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

EDITORS = "Editor"
AUTHORS = "Author"
MODERATORS = "Comment moderator"
# Subscribers are personal data: their addresses and what was sent to each are for this role.
SUBSCRIBER_MANAGERS = "Subscriber manager"

# Moderators keep spam out: they approve, mark as spam, delete, edit the blocklist and close
# discussions on articles (an action on the article list), but write nothing.
MODERATION_PERMISSIONS = [
    "comments.view_comment", "comments.change_comment", "comments.delete_comment",
    "comments.view_commentreport", "comments.change_commentreport",
    "comments.view_pendingcomment",
    "comments.view_blockeditem", "comments.add_blockeditem", "comments.change_blockeditem",
    "comments.delete_blockeditem",
]  # fmt: skip

ROLE_PERMISSIONS = {
    EDITORS: [
        "articles.add_article", "articles.change_article", "articles.delete_article",
        "articles.view_article", "articles.publish_article",
        "articles.add_author", "articles.change_author", "articles.view_author",
        "articles.add_section", "articles.change_section", "articles.view_section",
        "articles.add_page", "articles.change_page", "articles.view_page",
        "articles.add_libraryimage", "articles.change_libraryimage",
        "articles.delete_libraryimage", "articles.view_libraryimage",
        "taggit.add_tag", "taggit.change_tag", "taggit.delete_tag", "taggit.view_tag",
        *MODERATION_PERMISSIONS,
    ],
    # Authors write drafts of their own; the admin limits them to those (see ArticleAdmin).
    AUTHORS: [
        "articles.add_article", "articles.change_article", "articles.delete_article",
        "articles.view_article", "articles.view_author", "articles.view_section", "taggit.view_tag",
        "articles.add_libraryimage", "articles.view_libraryimage",
    ],
    # The sections and authors an article's page links to are public knowledge anyway.
    MODERATORS: [
        "articles.view_article", "articles.view_section", "articles.view_author",
        *MODERATION_PERMISSIONS,
    ],
    SUBSCRIBER_MANAGERS: [
        "subscriptions.view_subscriber", "subscriptions.change_subscriber",
        "subscriptions.delete_subscriber", "subscriptions.view_delivery",
        "subscriptions.view_digest", "core.view_outgoingemail", "articles.view_article",
        "articles.view_section", "articles.view_author",
    ],
}  # fmt: skip


def ensure_roles(**kwargs) -> None:
    """Create the Editor, Author, Comment moderator and Subscriber manager groups with exactly
    their permissions."""
    # post_migrate reaches apps one at a time: make sure every app's permissions exist already.
    labels = {perm.split(".")[0] for codenames in ROLE_PERMISSIONS.values() for perm in codenames}
    for label in labels:
        create_permissions(apps.get_app_config(label), verbosity=0)
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.filter(content_type__app_label=label, codename=codename).first()
            for label, codename in (perm.split(".") for perm in codenames)
        ]
        group.permissions.set([p for p in permissions if p is not None])
