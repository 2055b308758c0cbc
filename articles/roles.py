"""Staff roles: the groups an administrator gives people, kept in step with the code."""

from django.contrib.auth.models import Group, Permission

EDITORS = "Editor"
AUTHORS = "Author"

ROLE_PERMISSIONS = {
    EDITORS: [
        "articles.add_article", "articles.change_article", "articles.delete_article",
        "articles.view_article", "articles.publish_article",
        "articles.add_author", "articles.change_author", "articles.view_author",
        "articles.add_section", "articles.change_section", "articles.view_section",
        "articles.add_page", "articles.change_page", "articles.view_page",
        "taggit.add_tag", "taggit.change_tag", "taggit.delete_tag", "taggit.view_tag",
    ],
    # Authors write drafts of their own; the admin limits them to those (see ArticleAdmin).
    AUTHORS: [
        "articles.add_article", "articles.change_article", "articles.delete_article",
        "articles.view_article", "articles.view_author", "articles.view_section", "taggit.view_tag",
    ],
}  # fmt: skip


def ensure_roles(**kwargs) -> None:
    """Create the Editor and Author groups with exactly their permissions."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.filter(content_type__app_label=label, codename=codename).first()
            for label, codename in (perm.split(".") for perm in codenames)
        ]
        group.permissions.set([p for p in permissions if p is not None])
