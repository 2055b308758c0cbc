"""Comment flows. Links from emails open a page with one button; only the POST acts, because
mail scanners follow every link in a message."""

from functools import partial

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_comments.views.comments import post_comment as library_post_comment
from django_comments_xtd import views as xtd_views

from articles.models import Article
from core.csrf import guest_csrf_protect
from core.ratelimit import client_ip, hit, mailbox
from core.tokens import signed_link

from .forms import CommentForm
from .models import Comment, PendingComment
from .selectors import readable_comments
from .services import CommentsClosed, comment_confirm, comment_report, thread_mute
from .tokens import (
    CONFIRM_SALT,
    MUTE_SALT,
    SENT_SALT,
    TokenExpired,
    TokenInvalid,
    make_token,
    read_token,
)


# The form is on pages shared by every guest, which carry no CSRF token (see core.csrf).
@guest_csrf_protect
@require_POST
def post_comment(request):
    """django-contrib-comments' post view, behind our per-IP and per-address rate limits."""
    if settings.COMMENTS_REQUIRE_SIGN_IN and not request.user.is_authenticated:
        # The form says so and offers the sign-in; only a stale page or a script gets here.
        return render(request, "discussion/sign_in_required.html", status=403)
    if _too_many_comments(request):
        return _form_again(
            request,
            "You have posted several comments in a short time. Please wait a few minutes "
            "and send this one again: what you wrote is kept below." + _sign_in_hint(request),
            status=429,
        )
    if _form_expired(request):
        return _form_again(
            request,
            "This page was open for a long time, so the form had expired. Your comment is kept "
            "below: press Post comment again to send it.",
            status=200,
        )
    response = library_post_comment(request)
    receipt = getattr(request, "comment_receipt", None)
    if receipt is None:  # not posted: the form again with its errors, or a refusal
        return response
    if "refused_until" in receipt:
        return _form_again(
            request,
            "We could not email you the link that publishes this comment: too many such links "
            "were asked for lately, for this address or from your connection. Please send it "
            f"again after {_local_time(receipt['refused_until'])}; what you wrote is kept below."
            + _sign_in_hint(request),
            status=429,
        )
    # The page after posting tells what became of the comment to whoever holds this link only.
    token = make_token(receipt, salt=SENT_SALT)
    return redirect(f"{reverse('comments-xtd-sent')}?c={token}")


def _local_time(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _form_expired(request) -> bool:
    """True when the form's only fault is its age: django-comments would answer a bare 400."""
    article = _posted_article(request)
    if article is None:
        return False
    return set(CommentForm(article, data=request.POST).security_errors()) == {"timestamp"}


def _posted_article(request) -> Article | None:
    try:
        return Article.objects.published().filter(pk=request.POST.get("object_pk")).first()
    except (TypeError, ValueError):
        return None


def _too_many_comments(request) -> bool:
    per_ip, ip_window = settings.COMMENTS_RATE_PER_IP
    ip_ok = hit("comment-post-ip", client_ip(request), limit=per_ip, window=ip_window)
    return not (ip_ok and _sender_within_limit(request))


def _sender_within_limit(request) -> bool:
    """Counted per account for a signed-in reader, per address for a guest.

    Anyone can type an address into the guest form, so strangers can use up a guest address's
    count; they cannot touch a signed-in reader's, which only the reader's own session adds to.
    """
    limit, window = settings.COMMENTS_RATE_PER_EMAIL
    if request.user.is_authenticated:
        return hit("comment-post-reader", str(request.user.pk), limit=limit, window=window)
    email = request.POST.get("email")
    return not email or hit("comment-post-email", mailbox(email), limit=limit, window=window)


def _sign_in_hint(request) -> str:
    if request.user.is_authenticated:
        return ""
    return (
        " If someone else has been using your address, sign in with it (at the top of the page):"
        " signed-in readers' comments need no emailed link and are counted apart."
    )


def _form_again(request, message: str, *, status: int):
    article = _posted_article(request)
    if article is None:
        raise Http404
    data = request.POST.copy()
    # A fresh timestamp and hash, so the form shown again does not expire in its turn.
    data.update(CommentForm(article).generate_security_data())
    form = CommentForm(article, data=data)
    form.is_valid()
    return render(
        request,
        "comments/preview.html",
        {"form": form, "comment": request.POST.get("comment", ""), "notice": message},
        status=status,
    )


def _link_expired(request):
    return render(request, "discussion/link_expired.html", status=410)


def _link_invalid(request):
    return render(request, "discussion/link_invalid.html", status=400)


def _comment_link(salt: str):
    """The value a comment email's signed link carries, or the page saying what is wrong."""
    return signed_link(partial(read_token, salt=salt), expired=_link_expired, invalid=_link_invalid)


@require_http_methods(["GET", "HEAD", "POST"])
@_comment_link(CONFIRM_SALT)
def confirm(request, pending_id):
    pending = get_object_or_404(PendingComment, pk=pending_id)
    article = Article.objects.filter(pk=pending.data["object_pk"]).first()
    if request.method != "POST":
        if pending.comment_id:
            return render(
                request, "discussion/already_confirmed.html", {"comment": pending.comment}
            )
        return render(request, "discussion/confirm.html", {"article": article})
    try:
        comment, created = comment_confirm(pending_id=pending.pk)
    except CommentsClosed:
        return render(request, "discussion/closed.html", {"article": article}, status=410)
    if not created:
        return render(request, "discussion/already_confirmed.html", {"comment": comment})
    if not comment.is_public:
        return render(request, "django_comments_xtd/moderated.html", {"comment": comment})
    return redirect(comment.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
@_comment_link(MUTE_SALT)
def mute(request, value):
    article = get_object_or_404(Article, pk=value["article"])
    if request.method != "POST":
        return render(request, "discussion/mute.html", {"article": article})
    thread_mute(email=value["email"], article_id=article.pk)
    return render(request, "discussion/muted.html", {"article": article})


# RFC 8058: a mail client posts with no cookie and no token; the signed link is the proof.
@csrf_exempt
@require_POST
@_comment_link(MUTE_SALT)
def mute_one_click(request, value):
    """The follow-up email's List-Unsubscribe: mute the thread for this address."""
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponseBadRequest("Expected List-Unsubscribe=One-Click.")
    thread_mute(email=value["email"], article_id=value["article"])
    return HttpResponse(
        "You will get no more emails about new comments on this article.\n",
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def sent(request):
    """After posting: check your email, or the signed-in poster's own comment (or its state).

    Only from the link the post answered with (signed): nobody learns another comment's state,
    nor the title of an article that is not published.
    """
    try:
        receipt = read_token(request.GET.get("c", ""), salt=SENT_SALT)
    except (TokenExpired, TokenInvalid):
        raise Http404 from None
    if "comment" in receipt:
        return _own_comment_sent(request, receipt["comment"])
    article = Article.objects.published().filter(pk=receipt.get("article")).first()
    return render(request, "django_comments_xtd/posted.html", {"target": article})


def _own_comment_sent(request, comment_id):
    if not request.user.is_authenticated:
        raise Http404
    comment = Comment.objects.filter(pk=comment_id, user=request.user).first()
    if comment is None or not _on_published_article(comment):
        raise Http404
    if comment.is_public:
        return redirect(comment.get_absolute_url())
    return render(request, "django_comments_xtd/moderated.html", {"comment": comment})


def _on_published_article(comment) -> bool:
    article = comment.content_object
    return isinstance(article, Article) and article.is_published()


def reply(request, cid):
    """Reply without JavaScript: the comment and a form under it."""
    comment = get_object_or_404(Comment, pk=cid, is_public=True, is_removed=False)
    if not isinstance(comment.content_object, Article) or not comment.content_object.is_published():
        raise Http404
    if not comment.content_object.comments_open:
        # xtd's reply page would offer a form whose post is refused; the article says why.
        return redirect(comment.get_absolute_url())
    if not comment.allow_thread():
        # Past the deepest level a reply joins the parent's conversation, as the form does too.
        return redirect("comments-xtd-reply", cid=comment.parent_id)
    return xtd_views.reply(request, cid)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request, comment_id):
    """A reader flags a comment for the moderators."""
    comment = get_object_or_404(readable_comments(), pk=comment_id)
    if request.method != "POST":
        return render(request, "discussion/report.html", {"comment": comment})
    limit, window = settings.COMMENTS_REPORTS_PER_IP
    ip = client_ip(request)
    if hit("comment-report-ip", ip, limit=limit, window=window):
        reporter = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{ip}"
        comment_report(
            comment=comment,
            reporter=reporter,
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
    return render(request, "discussion/reported.html", {"comment": comment})
