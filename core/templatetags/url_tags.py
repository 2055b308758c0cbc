from django import template

from core.urls import reverse_cached

register = template.Library()


@register.simple_tag
def cached_url(viewname: str, *args) -> str:
    """`{% url %}` remembered per process (core.urls.reverse_cached), for the addresses every
    page shows: the header's, the sidebar's and the footer's."""
    return reverse_cached(viewname, *args)
