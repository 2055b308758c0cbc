from django import template
from django.template.defaulttags import CsrfTokenNode

from core.csrf import has_session

register = template.Library()


@register.simple_tag(takes_context=True)
def session_csrf_token(context) -> str:
    """The CSRF field for a reader with a session; none on pages shared by guests (core.csrf)."""
    request = context.get("request")
    if request is None or not has_session(request):
        return ""
    return CsrfTokenNode().render(context)
