"""Everything a subscriber does: sign up (double opt-in), confirm, choose what to get, leave, and
be erased. Delivery of articles and digests lives elsewhere in this app."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Author, Section
from core.models import OutgoingEmail
from core.ratelimit import hit, mailbox

from .mail import already_subscribed_email_queue, confirmation_email_queue
from .models import Subscriber, new_key

logger = logging.getLogger(__name__)

State = Subscriber.State


class TooManySignups(Exception):
    """The client's IP has signed up too many addresses lately."""


def email_normalised(email: str) -> str:
    """The address as we store it: trimmed, with its domain (which is case-blind) in lower case."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


def subscriber_signup(*, email: str, ip: str, source: str = "form") -> None:
    """Start the double opt-in for `email`; the caller learns nothing of the address's state.

    A new address becomes pending and gets a confirmation email; a pending one gets it again at
    most once per SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS; an active one gets, rarely, a note with
    its manage link; an unsubscribed or bouncing one starts again with a new key, which voids
    every link mailed to it before. No mailbox, however its address is spelled, gets more than
    SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT of these emails a day, nor more than
    SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT_FROM_ONE_IP of them on one IP's requests, and a
    pending address never gets anything but its confirmation. `source` ("form" or "comment")
    only changes the wording.

    Raises TooManySignups when `ip` has signed up too often.
    """
    limit, window = settings.SUBSCRIPTIONS_SIGNUPS_PER_IP
    if not hit("subscribe-ip", ip, limit=limit, window=window):
        raise TooManySignups
    subscriber = _subscriber_get_or_create(email=email_normalised(email))
    if subscriber.state == State.PENDING:
        _confirmation_queue(subscriber=subscriber, source=source, ip=ip)
    elif subscriber.state == State.ACTIVE:
        _already_subscribed_queue(subscriber=subscriber, ip=ip)
    else:
        _subscriber_rejoin(subscriber=subscriber, source=source, ip=ip)


def _subscriber_get_or_create(*, email: str) -> Subscriber:
    subscriber = Subscriber.objects.with_email(email).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email)
    except IntegrityError:  # the same address signed up at the same moment elsewhere
        return Subscriber.objects.with_email(email).get()


def _recipient_allows(email: str, *, ip: str) -> bool:
    """Whether `email` may be sent another sign-up email on a request from `ip`.

    Counted by mailbox, from this IP first: a stranger signing someone up uses up only part of
    the day's allowance, and requests refused there do not count against the owner's.
    """
    recipient = mailbox(email)
    limit, window = settings.SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT_FROM_ONE_IP
    if not hit("subscribe-mail-to-from", f"{recipient} {ip}", limit=limit, window=window):
        return False
    limit, window = settings.SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT
    return hit("subscribe-mail-to", recipient, limit=limit, window=window)


def _confirmation_queue(*, subscriber: Subscriber, source: str, ip: str) -> None:
    now = timezone.now()
    resend_after = now - timedelta(seconds=settings.SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS)
    # One conditional UPDATE claims the send, so two requests at once cannot both send.
    claimed = (
        Subscriber.objects.filter(pk=subscriber.pk, state=State.PENDING)
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=resend_after))
        .update(confirmation_sent_at=now)
    )
    if not claimed:
        logger.info("Confirmation for subscriber %s not re-sent: sent recently", subscriber.pk)
        return
    if not _recipient_allows(subscriber.email, ip=ip):
        # Unclaimed again: the owner asking next is not told "sent recently" of an unsent email.
        Subscriber.objects.filter(pk=subscriber.pk, confirmation_sent_at=now).update(
            confirmation_sent_at=subscriber.confirmation_sent_at
        )
        logger.info("Confirmation for subscriber %s not sent: recipient limit", subscriber.pk)
        return
    confirmation_email_queue(subscriber_id=subscriber.pk, source=source)


def _already_subscribed_queue(*, subscriber: Subscriber, ip: str) -> None:
    # Someone who forgot they subscribed gets their manage link, at most once per resend interval.
    once = hit(
        "subscribe-active-to",
        mailbox(subscriber.email),
        limit=1,
        window=settings.SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS,
    )
    if once and _recipient_allows(subscriber.email, ip=ip):
        already_subscribed_email_queue(subscriber_id=subscriber.pk)


def _subscriber_rejoin(*, subscriber: Subscriber, source: str, ip: str) -> None:
    if not _recipient_allows(subscriber.email, ip=ip):
        logger.info("Subscriber %s not re-joined: recipient limit", subscriber.pk)
        return
    with transaction.atomic():
        rejoined = Subscriber.objects.filter(
            pk=subscriber.pk, state__in=[State.UNSUBSCRIBED, State.BOUNCING]
        ).update(
            state=State.PENDING,
            # A new key: links mailed during the earlier subscription stop working.
            key=new_key(),
            confirmed_at=None,
            confirmation_sent_at=timezone.now(),
            # The sign-up box promises every article: start from the defaults again.
            all_articles=True,
            frequency=Subscriber.Frequency.INSTANT,
        )
        if not rejoined:
            return
        subscriber.sections.clear()
        subscriber.authors.clear()
    confirmation_email_queue(subscriber_id=subscriber.pk, source=source)


def subscriber_confirm(*, subscriber: Subscriber) -> bool:
    """Make a pending subscriber active; True if this call did it."""
    confirmed = Subscriber.objects.filter(pk=subscriber.pk, state=State.PENDING).update(
        state=State.ACTIVE,
        confirmed_at=timezone.now(),
        unsubscribed_at=None,
        # Following the emailed link proves the mailbox works.
        bounce_count=0,
    )
    subscriber.refresh_from_db()
    return bool(confirmed)


def subscriber_update_preferences(
    *,
    subscriber: Subscriber,
    all_articles: bool,
    sections: Iterable[Section] = (),
    authors: Iterable[Author] = (),
    frequency: str,
) -> None:
    """Save what the subscriber wants: every article, or only the chosen sections and authors."""
    with transaction.atomic():
        subscriber.all_articles = all_articles
        subscriber.frequency = frequency
        subscriber.save(update_fields=["all_articles", "frequency"])
        # With every article chosen, leftover choices would only confuse the next visit.
        subscriber.sections.set([] if all_articles else list(sections))
        subscriber.authors.set([] if all_articles else list(authors))


def subscriber_unsubscribe(*, subscriber: Subscriber) -> bool:
    """Stop every email to the subscriber; True if they were still subscribed (or pending)."""
    left = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .exclude(state=State.UNSUBSCRIBED)
        .update(state=State.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    )
    subscriber.refresh_from_db()
    return bool(left)


def subscriber_erase(*, subscriber: Subscriber) -> int:
    """Delete the subscriber, their choices and every delivery record; returns deliveries erased."""
    subscriber_id = subscriber.pk
    with transaction.atomic():
        deliveries, _ = subscriber.deliveries.all().delete()
        # The account emails kept in the outbox name the address too.
        OutgoingEmail.objects.filter(to=subscriber.email, kind__startswith="subscription-").delete()
        subscriber.delete()
    logger.info("Subscriber %s erased with %s deliveries", subscriber_id, deliveries)
    return deliveries
