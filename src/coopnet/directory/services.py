"""Writes. Each takes the acting user, checks their right through a selector (404 outside the
organisation), validates everything before saving anything, and runs in one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from coopnet.common import audit
from coopnet.common.access import ADMIN, User
from coopnet.common.amounts import check_text
from coopnet.directory import selectors
from coopnet.directory.models import (
    Invitation,
    Membership,
    Organisation,
    Person,
    PersonSkill,
    Reservation,
    Skill,
)
from coopnet.directory.selectors import organisation_for_admin, person_for_member
from coopnet.directory.signals import network_changed, skills_changed
from coopnet.engine.money import plain_number

NOT_ADMIN = "Only an organisation admin can change its people."
UNKNOWN_SKILL = "Unknown skill {slug!r}: choose one from the network's skill list."
BAD_LEVEL = "Skill levels are whole numbers from 1 to 5 (got {level!r} for {slug})."
NEGATIVE = "{field} must be a number of at least 0."
ALREADY_MEMBER = "{email} is already a member of {organisation}."
#: a second person of the same name (a form sent twice, say) would make the name ambiguous to
#: the CSV import, which matches people by name
NAME_TAKEN = (
    "{organisation} already has a person called {name!r}: edit that person, or tell the two "
    "apart (add an initial, say)."
)
#: the longest name of an organisation or a person (their columns' max_length)
NAME_LIMIT = 200


@transaction.atomic
def organisation_create(
    *, name: str, slug: str, admin: Any | None, coordination_cost: Decimal = Decimal(0)
) -> Organisation:
    """A new organisation with `admin` as its admin, or with no member yet (its first admin
    has been invited and has not accepted)."""
    name = check_text("name", name, NAME_LIMIT)
    organisation = Organisation(name=name, slug=slug, coordination_cost=coordination_cost)
    organisation.full_clean()
    organisation.save()
    if admin is not None:
        Membership.objects.create(user=admin, organisation=organisation, role=ADMIN)
    return organisation


BAD_KIND = "Choose what kind of organisation this is from the list."
BAD_WEBSITE = "A website is an address starting with http:// or https://."
#: the longest location (its column's max_length)
LOCATION_LIMIT = 120
DESCRIPTION_LIMIT = 5000


@transaction.atomic
def organisation_describe(
    *,
    actor: User,
    organisation_slug: str,
    description: str,
    kind: str,
    location: str,
    website: str,
    public: bool,
) -> Organisation:
    """How the organisation describes itself, and whether its profile is public (seen by
    anyone, signed in or not). Its admins only: 404 to outsiders, and to its members."""
    organisation = organisation_for_admin(actor, organisation_slug)
    if kind not in dict(Organisation.KINDS):
        raise ValidationError({"kind": BAD_KIND})
    organisation.description = check_text(
        "description", description, DESCRIPTION_LIMIT, required=False
    )
    organisation.kind = kind
    organisation.location = check_text("location", location, LOCATION_LIMIT, required=False)
    organisation.website = check_text("website", website, 200, required=False)
    organisation.public = bool(public)
    try:
        organisation.full_clean(exclude=["coordination_cost"])
    except ValidationError as error:
        if "website" in error.message_dict:
            raise ValidationError({"website": BAD_WEBSITE}) from None
        raise
    organisation.save(update_fields=["description", "kind", "location", "website", "public"])
    visibility = "public" if organisation.public else "network only"
    audit.record(
        actor=actor,
        action="organisation.described",
        obj=organisation,
        organisation=organisation,
        summary=f"{organisation.name} described itself (profile: {visibility})",
    )
    return organisation


def _amount(value: Any, field: str) -> Decimal:
    if isinstance(value, str) and not plain_number(value):
        raise ValidationError({field: NEGATIVE.format(field=field)})
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: NEGATIVE.format(field=field)}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: NEGATIVE.format(field=field)})
    return amount


def _skill_levels(skills: dict[str, Any]) -> list[tuple[Skill, int]]:
    known = {s.slug: s for s in Skill.objects.filter(slug__in=list(skills))}
    result, errors = [], {}
    for slug, level in skills.items():
        if slug not in known:
            errors[f"skills.{slug}"] = UNKNOWN_SKILL.format(slug=slug)
        elif isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            errors[f"skills.{slug}"] = BAD_LEVEL.format(level=level, slug=slug)
        else:
            result.append((known[slug], level))
    if errors:
        raise ValidationError(errors)
    return result


@transaction.atomic
def person_create(
    *,
    actor: User,
    organisation_slug: str,
    name: str,
    hours_available: Any,
    cost_rate: Any,
    skills: dict[str, Any] | None = None,
) -> Person:
    organisation = organisation_for_admin(actor, organisation_slug)
    levels = _skill_levels(skills or {})
    name = _free_name(organisation, check_text("name", name, NAME_LIMIT))
    person = Person(
        organisation=organisation,
        name=name,
        hours_available=_amount(hours_available, "hours_available"),
        cost_rate=_amount(cost_rate, "cost_rate"),
    )
    person.full_clean()
    person.save()
    PersonSkill.objects.bulk_create(
        PersonSkill(person=person, skill=s, level=lv) for s, lv in levels
    )
    network_changed.send(sender=PersonSkill)
    audit.record(
        actor=actor,
        action="person.added",
        obj=person,
        organisation=organisation,
        summary=f"Added {person.name}",
    )
    return person


def _free_name(organisation: Organisation, name: str, person_id: int | None = None) -> str:
    """`name`, if no other person of `organisation` has it (whatever its case)."""
    others = organisation.people.filter(name__iexact=name)
    if person_id is not None:
        others = others.exclude(pk=person_id)
    if others.exists():
        message = NAME_TAKEN.format(organisation=organisation.name, name=name)
        raise ValidationError({"name": message})
    return name


#: what the trail says when a private field changes: that it did, never its values
PRIVATE_CHANGES = {
    "cost_rate": ("person.rate_changed", "The cost rate of {name} changed"),
    "hours_available": ("person.hours_changed", "The available hours of {name} changed"),
}


def _record_private_changes(actor: User, person: Person, before: dict[str, Decimal]) -> None:
    for field, (action, summary) in PRIVATE_CHANGES.items():
        if getattr(person, field) != before[field]:
            audit.record(
                actor=actor,
                action=action,
                obj=person,
                organisation=person.organisation_id,
                summary=summary.format(name=person.name),
            )


@transaction.atomic
def person_update(*, actor: User, person_id: int, **changes: Any) -> Person:
    person = person_for_member(actor, person_id)  # 404 for outsiders
    is_admin = selectors.is_admin(actor, person.organisation)
    is_self = person.user_id is not None and person.user_id == getattr(actor, "pk", None)
    if not is_admin and not (is_self and set(changes) <= {"hours_available", "skills"}):
        raise PermissionDenied(NOT_ADMIN)
    skills = changes.pop("skills", None)
    levels = _skill_levels(skills) if skills is not None else None
    before = {field: getattr(person, field) for field in PRIVATE_CHANGES}
    for field in ("hours_available", "cost_rate"):
        if field in changes:
            setattr(person, field, _amount(changes.pop(field), field))
    if "name" in changes:
        name = check_text("name", changes.pop("name"), NAME_LIMIT)
        person.name = _free_name(person.organisation, name, person.pk)
    if changes:
        raise ValidationError(dict.fromkeys(changes, "Unknown field."))
    person.full_clean()
    person.save()
    _record_private_changes(actor, person, before)
    if levels is not None:
        _levels_replace(person, levels, actor)
    return person


def _levels_replace(person: Person, levels: list[tuple[Skill, int]], actor: User) -> None:
    """Give `person` exactly these skill levels, and tell whoever listens what changed."""
    before = {held.skill: held.level for held in person.skills.select_related("skill")}
    person.skills.all().delete()
    PersonSkill.objects.bulk_create(
        PersonSkill(person=person, skill=s, level=lv) for s, lv in levels
    )
    network_changed.send(sender=PersonSkill)
    after = dict(levels)
    changed = [
        (skill, before.get(skill), after.get(skill))
        for skill in sorted(before.keys() | after.keys(), key=lambda s: s.slug)
        if before.get(skill) != after.get(skill)
    ]
    if changed:
        skills_changed.send(sender=Person, person=person, actor=actor, changes=changed)


@transaction.atomic
def person_delete(*, actor: User, person_id: int) -> None:
    person = person_for_member(actor, person_id)  # 404 for outsiders
    if not selectors.is_admin(actor, person.organisation):
        raise PermissionDenied(NOT_ADMIN)
    person.delete()


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email.lower()[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def account_for_email(email: str) -> Any:
    """The account with `email`, or a new one without a usable password (its owner chooses
    one from the invitation)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = User(username=_free_username(email), email=email)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    return user


INVITATION_DAYS = 14
INVITATION_EXPIRED = (
    "This invitation has expired: ask the organisation's admin to invite you again."
)


def _invitation_link(user: Any, site_url: str, invitation: Invitation | None) -> str:
    """Where the invitation sends `user`: to the invitation to accept or decline (signing in
    first), or, for an account without a password, to choose one (a one-time link)."""
    if invitation is not None:
        return site_url + reverse("directory:invitation", kwargs={"token": invitation.token})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return site_url + path


def invitation_send(
    *,
    inviter: Any,
    user: Any,
    organisation: Organisation,
    site_url: str,
    invitation: Invitation | None = None,
) -> None:
    """Email `user` that `inviter` invited them to `organisation`: to accept or decline the
    pending `invitation`, or, for a new account, to choose a password. `site_url` is the
    address the links start with ("https://net.example"). Called inside the transaction that
    made the invitation, so that a mail that cannot be sent leaves nothing behind."""
    context = {
        "organisation": organisation,
        "inviter": inviter,
        "user": user,
        "invitation": invitation,
        "link": _invitation_link(user, site_url.rstrip("/"), invitation),
        "set_password": not user.has_usable_password(),
    }
    subject = render_to_string("directory/email/invitation_subject.txt", context).strip()
    body = render_to_string("directory/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _pending_invitation(
    *, inviter: Any, user: Any, organisation: Organisation, email: str, role: str
) -> Invitation:
    """The pending invitation of `user` to `organisation`, made or renewed (a fresh link, a
    fresh expiry): inviting twice leaves one invitation to answer."""
    invitation, _ = Invitation.objects.update_or_create(
        organisation=organisation,
        user=user,
        status=Invitation.PENDING,
        defaults={
            "email": email,
            "role": role,
            "invited_by": inviter if getattr(inviter, "pk", None) else None,
            "token": secrets.token_urlsafe(32),
            "expires": timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        },
    )
    return invitation


def invitation_make(
    *, inviter: Any, organisation: Organisation, email: str, role: str, site_url: str
) -> Any:
    """Invite the owner of `email` to `organisation` as `role`; the caller has checked that
    `inviter` may. An account whose owner chose a password is theirs: it gets a pending
    invitation to accept or decline, and no membership until it accepts. An account without
    one (new, or invited before and never signed in) becomes a member at once and gets the
    link to choose a password: taking up the account that way is its owner's consent."""
    User = get_user_model()
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None and existing.has_usable_password():
        if Membership.objects.filter(user=existing, organisation=organisation).exists():
            message = ALREADY_MEMBER.format(email=email, organisation=organisation.name)
            raise ValidationError({"email": message})
        invitation = _pending_invitation(
            inviter=inviter, user=existing, organisation=organisation, email=email, role=role
        )
        invitation_send(
            inviter=inviter,
            user=existing,
            organisation=organisation,
            site_url=site_url,
            invitation=invitation,
        )
        summary = f"Invited {existing.get_username()} as {invitation.get_role_display().lower()}"
        audit.record(
            actor=inviter,
            action="invitation.sent",
            obj=invitation,
            organisation=organisation,
            summary=summary,
        )
        return existing
    user = existing if existing is not None else account_for_email(email)
    membership, made = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if made:
        _record_admitted(inviter, membership, "invited with a new account")
    invitation_send(inviter=inviter, user=user, organisation=organisation, site_url=site_url)
    return user


@transaction.atomic
def member_invite(
    *, actor: Any, organisation_slug: str, email: str, role: str, site_url: str
) -> Any:
    """Invite the person with `email` to the organisation (see `invitation_make`): an existing
    account is asked first; a new one, without a usable password, is made a member and chooses
    its password from the email. Inviting again sends a fresh link."""
    organisation = selectors.organisation_for_admin(actor, organisation_slug)
    return invitation_make(
        inviter=actor, organisation=organisation, email=email, role=role, site_url=site_url
    )


@transaction.atomic
def invitation_answer(*, actor: User, invitation_id: int, accept: bool) -> Invitation:
    """The invited account's answer: on acceptance, and only then, it becomes a member. Only
    the invited account may answer (404 for anyone else); an expired invitation is refused."""
    invitation = selectors.invitation_for_invitee(actor, invitation_id=invitation_id, lock=True)
    if invitation.expires <= timezone.now():
        raise ValidationError({"invitation": INVITATION_EXPIRED})
    if accept:
        membership, made = Membership.objects.get_or_create(
            user=invitation.user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role},
        )
        if made:
            _record_admitted(actor, membership, "accepted the invitation")
    else:
        audit.record(
            actor=actor,
            action="invitation.declined",
            obj=invitation,
            organisation=invitation.organisation,
            summary=f"{invitation.user.get_username()} declined the invitation",
        )
    invitation.status = Invitation.ACCEPTED if accept else Invitation.DECLINED
    invitation.answered = timezone.now()
    invitation.save(update_fields=["status", "answered"])
    return invitation


def _record_admitted(actor: Any, membership: Membership, how: str) -> None:
    role = membership.get_role_display().lower()
    audit.record(
        actor=actor,
        action="member.admitted",
        obj=membership,
        organisation=membership.organisation,
        summary=f"{membership.user.get_username()} joined as {role} ({how})",
    )


def hours_reserve(*, holder: str, hours: Mapping[int, Decimal]) -> None:
    """Hold `hours` of each person (by id) for `holder` (e.g. "contract:12"), which must not
    hold any yet. Called by the apps that commit people to work, inside their transaction."""
    Reservation.objects.bulk_create(
        Reservation(person_id=person_id, holder=holder, hours=amount)
        for person_id, amount in hours.items()
        if amount > 0
    )


def hours_release(*, holder: str) -> int:
    """Give back every hour `holder` held; how many people's reservations ended."""
    deleted, _ = Reservation.objects.filter(holder=holder).delete()
    return deleted
