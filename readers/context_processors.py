from django.conf import settings


def sign_in(request):
    """What the sign-in pages and the comment form say about signing in."""
    return {
        "code_minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60,
        "comments_require_sign_in": settings.COMMENTS_REQUIRE_SIGN_IN,
    }
