"""Erasing a person at their request, so that nothing the eraser may change keeps their name,
email or phone.

Organised as DemocracyClub's YourNextRepresentative organises its data removal: one small
class per kind of record that can keep the person, each with `collect()` (what keeps them)
and `remove()` (delete or redact it). `Erasure` runs them in turn; who may erase whom is
curation.rules' (curation.services.person_erase asks it first).

What an erasure may change (`Reach`) is what the eraser may change, as curation.rules says
(`rules.changeable`), and what is about the person: their own rows, their seats, and the
reports, history and log entries of those seats. A site administrator's erasure reaches
everything; a curator's stops at the records of their areas, so that erasing someone of their
own can never rewrite another area's log, history, reports or descriptions, whatever the
person was called.

What the person is known by is gathered once, before anything is removed (`Subject`): every
name, email and phone any version of them had, but only values that can identify someone
(`Identifiers`): a name of two words or more and five characters or more, an email address
with a local part and a dotted domain, a phone number of eight digits or more. A single word
("Newcastle"), a phone number with no digits ("example.net") or a short one (a local number,
an extension, a year) is not struck anywhere: the person's own rows go whole, and reports
about them are redacted whole, so nothing is lost by it but a false match elsewhere.

Reports the public sent about them (about the person, a seat they hold, or a seat they held
that the report names them on) are redacted, not deleted, so that the moderation record stays:
the label says "Seat of an erased person on <body> (<partnership>)", the message and the
curator's note say REDACTED, the reporter's address goes with the message. Elsewhere within
reach their name, email and phone are struck out (STRUCK), in any case and spacing: in other
reports, the admin log, history change reasons and the free text of curated records (their
TextFields: descriptions, priorities) and its history. Their email and phone are struck
wherever they are quoted; their name only where they sat (records that reach their seats'
areas) or beside their email or phone, so that a namesake elsewhere keeps their name. A
record's own contact fields (an organisation's published email) are that record's public data
and stay, even when equal to theirs. Every import file waiting for confirmation is deleted
(any of them may name the person; the uploader uploads it again), and the page cache is
emptied.
"""

import json
import re
from collections import defaultdict

from django.apps import apps
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.text import Truncator

from opendata import datapackage
from partnerships.models import Body, Person, Seat, curated_models

from . import rules, uploads
from .models import Correction

ERASED = "Erased person"
ERASURE_REASON = "The person holding this seat was erased at their request."
REDACTED = "Redacted: the person was erased at their request."
STRUCK = "[erased]"
LABEL_MAX = Correction._meta.get_field("record_label").max_length
REPR_MAX = LogEntry._meta.get_field("object_repr").max_length

# What can identify someone (see Identifiers).
MIN_NAME_WORDS = 2
MIN_NAME_CHARS = 5
MIN_PHONE_DIGITS = 8
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
PHONE = re.compile(r"\+?[\d(][\d\s\-.()]*\d")  # digits, and what people write between them


def is_redacted(correction):
    return correction.message == REDACTED


class Reach:
    """What an erasure by user may change: everything for a site administrator; for a curator,
    the records curation.rules lets them change."""

    def __init__(self, user):
        self.user = user
        self.everything = not rules.is_limited(user)
        self._reached = {}

    def rows(self, queryset):
        """The rows of queryset within reach."""
        if self.everything:
            return queryset
        if not hasattr(queryset.model, "area_paths"):
            return queryset.none()
        return rules.changeable(queryset, self.user)

    def ids(self, model, ids):
        """Those of ids (primary keys of model, in any spelling) within reach."""
        keys = set()
        for value in ids:
            try:
                keys.add(model._meta.pk.to_python(value))
            except ValidationError:
                pass
        found = self.rows(model._default_manager.filter(pk__in=keys))
        return set(found.values_list("pk", flat=True))

    def history(self, history_model, about=()):
        """The rows of a historical model within reach: those of records within reach, and
        of the records whose ids are in `about` (the person's seats)."""
        rows = history_model._default_manager.all()
        if self.everything:
            return rows
        return rows.filter(id__in=self.reached(history_model.instance_type) | set(about))

    def reached(self, model):
        """The ids of every record of model within reach (a curator's: those of their areas),
        asked of curation.rules once per model."""
        if model not in self._reached:
            self._reached[model] = set(
                self.rows(model._default_manager.all()).values_list("pk", flat=True)
            )
        return self._reached[model]

    def entries(self, entries):
        """Of a list of admin log entries, those about records within reach."""
        if self.everything:
            return entries
        wanted = defaultdict(set)
        for entry in entries:
            wanted[entry.content_type_id].add(entry.object_id)
        kept = set()
        for type_id, ids in wanted.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model is not None:
                kept |= {(type_id, str(pk)) for pk in self.ids(model, ids)}
        return [entry for entry in entries if (entry.content_type_id, entry.object_id) in kept]


class Identifiers:
    """The names, emails and phone numbers that identify the person, and the patterns that
    find them as they may be written.

    A name must have MIN_NAME_WORDS words and MIN_NAME_CHARS characters: one word (a first
    name, a town, a word of the site's own text such as "Imported") matches too much to be
    theirs. An email must have a local part and a dotted domain ("example.net" is a domain,
    everyone's). A phone number is each run of MIN_PHONE_DIGITS digits or more in their phone
    field: shorter runs are local numbers, extensions, short codes and years, which many
    share; a UK number is written with 0 or +44, and both are matched.
    """

    def __init__(self, names=(), emails=(), phones=()):
        self.names = _longest_first(n for n in names if _is_name(n))
        self.emails = _longest_first(e.lower() for e in emails if EMAIL.fullmatch(e.strip()))
        self.phones = _longest_first(d for p in phones for d in _phone_numbers(p))
        contacts = [*map(_email_pattern, self.emails), *map(_phone_pattern, self.phones)]
        everything = [*map(_email_pattern, self.emails), *map(_name_pattern, self.names)]
        everything += map(_phone_pattern, self.phones)
        self.contact_pattern = _compiled(contacts)
        self.pattern = _compiled(everything)

    @property
    def any(self):
        return self.pattern is not None

    def sieve_terms(self, names=True):
        """Fragments that every spelling of an identifier contains, for a first sieve in the
        database (icontains): an email as it is, a name's longest word, a phone number's last
        three digits (a UK number is written with a last group of three digits or more). Only
        a first sieve: `pattern` decides."""
        terms = {*self.emails, *(number[-3:] for number in self.phones)}
        if names:
            terms |= {max(name.split(), key=len) for name in self.names}
        return sorted(terms)


def _longest_first(values):
    """Non-empty values, stripped, longest first (so that a pattern tries the longest first)."""
    return sorted({v.strip() for v in values if v and v.strip()}, key=len, reverse=True)


def _is_name(value):
    words = [word for word in (value or "").split() if any(c.isalpha() for c in word)]
    return len(words) >= MIN_NAME_WORDS and len(" ".join(words)) >= MIN_NAME_CHARS


def _phone_numbers(value):
    """The digits of each phone number in value, with the other UK spelling (0 or 44)."""
    numbers = set()
    for run in PHONE.findall(value or ""):
        digits = re.sub(r"\D", "", run)
        if len(digits) < MIN_PHONE_DIGITS:
            continue
        numbers.add(digits)
        if digits.startswith("440"):
            numbers.add(digits[2:])
        elif digits.startswith("44"):
            numbers.add("0" + digits[2:])
        elif digits.startswith("0") and not digits.startswith("00"):
            numbers.add("44" + digits[1:])
    return numbers


def _name_pattern(name):
    """A name in any case and spacing between its words."""
    body = r"\s+".join(re.escape(word) for word in name.split())
    return rf"(?<!\w){body}(?!\w)"


def _email_pattern(email):
    """An email address, not a part of a longer one."""
    return rf"(?<![\w.+%-]){re.escape(email)}(?![\w-]|\.\w)"


def _phone_pattern(digits):
    """A phone number with or without spaces, dashes, dots or brackets between its digits."""
    body = r"[\s\-.()]*".join(digits)
    return rf"(?<!\d){body}(?!\d)"


def _compiled(patterns):
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


class Subject:
    """The person to erase, as every part of the erasure needs them."""

    def __init__(self, person, reach):
        self.person = person
        self.reach = reach
        pk = person.pk
        versions = Person.history.filter(id=pk).values_list("name", "email", "phone")
        known = {(person.name, person.email, person.phone), *versions}
        self.identifiers = Identifiers(
            names=[name for name, _, _ in known],
            emails=[email for _, email, _ in known],
            phones=[phone for _, _, phone in known],
        )

        # Their seats: those they hold (theirs, whoever may change them: a person within reach
        # holds seats within reach), and those they held that are within reach (a seat since
        # deleted: if the body it was on then is).
        self.seats = list(Seat.objects.filter(person_id=pk).select_related("body__partnership"))
        self.seat_ids = {seat.pk for seat in self.seats}
        held = Seat.history.filter(person_id=pk).order_by("history_date")
        seat_bodies = dict(held.values_list("id", "body_id"))  # the body while they held it
        seat_bodies.update({seat.pk: seat.body_id for seat in self.seats})
        past = set(seat_bodies) - self.seat_ids
        standing = set(Seat.objects.filter(pk__in=past).values_list("pk", flat=True))
        gone = past - standing
        bodies_reached = reach.ids(Body, {seat_bodies[seat] for seat in gone})
        self.past_seat_ids = reach.ids(Seat, standing) | {
            seat for seat in gone if seat_bodies[seat] in bodies_reached
        }
        mine = self.seat_ids | self.past_seat_ids
        body_ids = {seat_bodies[seat] for seat in mine}
        bodies = Body.objects.select_related("partnership").in_bulk(body_ids)
        self.seat_bodies = {seat: bodies.get(seat_bodies[seat]) for seat in mine}
        self.body_ids = reach.ids(Body, set(bodies))
        places = Body.objects.filter(pk__in=set(bodies)).values_list(
            "partnership__areas", flat=True
        )
        self.area_ids = {pk for pk in places if pk is not None}

    @property
    def identified(self):
        """Whether any value of theirs can identify them (see Identifiers)."""
        return self.identifiers.any

    def names_them(self, *texts):
        pattern = self.identifiers.pattern
        return pattern is not None and any(pattern.search(t or "") for t in texts)

    def quotes_contact(self, text):
        pattern = self.identifiers.contact_pattern
        return pattern is not None and bool(pattern.search(text or ""))

    def strike(self, text, *, near=True):
        """text with every name, email and phone of theirs struck out; their name only when
        near (a record where they sat) or when text quotes their email or phone."""
        if not self.identified or not text:
            return text
        if near or self.quotes_contact(text):
            return self.identifiers.pattern.sub(STRUCK, text)
        return text

    def strike_message(self, change_message, *, near=True):
        """A log entry's change message (JSON, or plain text) with them struck out; JSON is
        read first, since it spells letters such as ë as escapes."""
        try:
            message = json.loads(change_message)
        except ValueError:
            return self.strike(change_message, near=near)
        return json.dumps(self._strike_all(message, near))

    def _strike_all(self, value, near):
        if isinstance(value, str):
            return self.strike(value, near=near)
        if isinstance(value, list):
            return [self._strike_all(item, near) for item in value]
        if isinstance(value, dict):
            return {key: self._strike_all(item, near) for key, item in value.items()}
        return value

    def mentioned(self, *fields, names=True):
        """Rows whose fields may hold one of their identifiers (without names: their email
        or phone): a first sieve in the database; the patterns decide."""
        terms = self.identifiers.sieve_terms(names=names)
        if not terms:
            return Q(pk__in=[])
        return Q.create(
            [(f"{field}__icontains", term) for field in fields for term in terms],
            connector=Q.OR,
        )

    def near(self, model):
        """The records of model that reach an area where they sat (ids, as a subquery)."""
        where = Q.create(
            [(f"{path}__in", self.area_ids) for path in model.area_paths], connector=Q.OR
        )
        return model._default_manager.filter(where).values("pk")

    def near_ids(self, model, ids):
        """Those of ids (of records of model) that reach an area where they sat."""
        if not ids or not hasattr(model, "area_paths"):
            return set()
        return set(
            model._default_manager.filter(pk__in=ids)
            .filter(pk__in=self.near(model))
            .values_list("pk", flat=True)
        )


def content_type(model):
    return ContentType.objects.get_for_model(model)


class Part:
    """One kind of record that may keep the person: collect() finds the rows (or files) that
    keep them, remove() deletes or redacts those."""

    def __init__(self, subject, user):
        self.subject = subject
        self.reach = subject.reach
        self.user = user

    def collect(self):
        return []

    def remove(self):
        raise NotImplementedError


class Reports(Part):
    fields = ["record_label", "message", "curator_note", "email"]

    def remove(self):
        reports = self.collect()
        for report in reports:
            self.redact(report)
        Correction.objects.bulk_update(reports, self.fields)
        # The admin log names a report by its label.
        entries = LogEntry.objects.filter(
            content_type=content_type(Correction), object_id__in=[str(r.pk) for r in reports]
        )
        by_pk = {str(report.pk): report for report in reports}
        for entry in entries:
            report = by_pk[entry.object_id]
            entry.object_repr = str(report)[:REPR_MAX]
            entry.change_message = self.subject.strike_message(
                entry.change_message, near=self.is_near(report)
            )
        LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])

    def is_near(self, report):
        """Whether their name is struck from what is said about report, or only beside their
        email or phone."""
        return True


class ReportsAboutThem(Reports):
    """Reports about the person, about a seat they hold, or about a seat within reach that
    they held and that name them (a seat's report is labelled with its holder at the time):
    redacted."""

    def collect(self):
        subject = self.subject
        about = Correction.objects.filter(
            Q(content_type=content_type(Person), object_id=subject.person.pk)
            | Q(content_type=content_type(Seat), object_id__in=subject.seat_ids)
        )
        before = Correction.objects.filter(
            content_type=content_type(Seat), object_id__in=subject.past_seat_ids
        )
        named = [r for r in before if subject.names_them(*(getattr(r, f) for f in self.fields))]
        return [*about, *named]

    def redact(self, report):
        report.record_label = Truncator(self.label(report)).chars(LABEL_MAX)
        report.message = report.curator_note = REDACTED
        report.email = ""

    def label(self, report):
        if report.content_type_id != content_type(Seat).pk:
            return "An erased person"
        body = self.subject.seat_bodies.get(report.object_id)
        if body is None:
            return "Seat of an erased person"
        return f"Seat of an erased person on {body.name} ({body.partnership.name})"


class ReportsNamingThem(Reports):
    """Other reports within reach that name them: routed to the areas where they sat (by
    name, email or phone), or elsewhere (by email or phone): their name, email and phone
    struck out, the reporter's address cleared if it is theirs."""

    def collect(self):
        subject = self.subject
        if not subject.identified:
            return []
        reports = self.reach.rows(Correction.objects.all()).exclude(message=REDACTED)
        self.nearby = set(
            reports.filter(pk__in=subject.near(Correction)).values_list("pk", flat=True)
        )
        candidates = reports.filter(
            Q(pk__in=self.nearby)
            | subject.mentioned("message", "email", "record_label", names=False)
        )
        return [r for r in candidates if subject.names_them(*(getattr(r, f) for f in self.fields))]

    def is_near(self, report):
        return report.pk in self.nearby

    def redact(self, report):
        strike, near = self.subject.strike, self.is_near(report)
        report.record_label = Truncator(strike(report.record_label, near=near)).chars(LABEL_MAX)
        report.message = strike(report.message, near=near)
        report.curator_note = strike(report.curator_note, near=near)
        if report.email.strip().lower() in self.subject.identifiers.emails:
            report.email = ""


class AdminLog(Part):
    """Entries about the person, about their seats and about those seats' bodies within reach
    (whose pages name seats by holder): the person's entries are renamed ERASED, every other
    mention struck out. Entries about other records within reach that quote their email or
    phone: those struck out, and their name beside them."""

    def collect(self):
        subject = self.subject
        about_them = Q(content_type=content_type(Person), object_id=str(subject.person.pk))
        seats = Q(
            content_type=content_type(Seat),
            object_id__in=[str(pk) for pk in subject.seat_ids | subject.past_seat_ids],
        )
        body_ids = [str(pk) for pk in subject.body_ids]
        bodies = Q(content_type=content_type(Body), object_id__in=body_ids)
        self.theirs = list(LogEntry.objects.filter(about_them | seats | bodies))
        quoting = subject.mentioned("object_repr", "change_message", names=False)
        others = LogEntry.objects.filter(quoting).exclude(about_them | seats | bodies)
        self.quoting = [
            entry
            for entry in self.reach.entries(list(others))
            if subject.quotes_contact(entry.object_repr)
            or subject.quotes_contact(entry.change_message)
        ]
        return [*self.theirs, *self.quoting]

    def remove(self):
        person_type, pk = content_type(Person).pk, str(self.subject.person.pk)
        subject = self.subject
        entries = self.collect()
        for entry in entries:
            near = entry in self.theirs
            if (entry.content_type_id, entry.object_id) == (person_type, pk):
                entry.object_repr = ERASED
            else:
                entry.object_repr = subject.strike(entry.object_repr, near=near)[:REPR_MAX]
            entry.change_message = subject.strike_message(entry.change_message, near=near)
        LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])


def history_models():
    """Every historical model (simple-history's) that keeps a change reason."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "instance_type")
        and any(f.name == "history_change_reason" for f in model._meta.fields)
    ]


class ChangeReasons(Part):
    """History rows within reach (of records within reach, and of their seats) whose change
    reason quotes their name, email or phone (an import's reason names its file, which may
    be named after them): struck out."""

    def collect(self):
        subject = self.subject
        if not subject.identified:
            return []
        seats = subject.seat_ids | subject.past_seat_ids
        found = []
        for model in history_models():
            about = seats if model.instance_type is Seat else ()
            rows = self.reach.history(model, about).filter(
                subject.mentioned("history_change_reason")
            )
            rows = list(rows)
            near = subject.near_ids(model.instance_type, {row.id for row in rows})
            for row in rows:
                close = row.id in near or row.id in about
                reason = subject.strike(row.history_change_reason, near=close)
                if reason != row.history_change_reason:
                    found.append((row, {"history_change_reason": reason}))
        return found

    def remove(self):
        for row, changes in self.collect():
            type(row)._default_manager.filter(pk=row.pk).update(**changes)


class FreeText(Part):
    """The free text of curated records within reach (their TextFields: a partnership's or
    network's description, a strategy's priorities; and what a model declares as free text,
    such as a vacancy's how_to_apply) and of every historical version of them:
    their email and phone struck out, and their name where they sat or beside those. Written
    in place (update), so that no new version holds the old text and reverting to an older
    one cannot bring it back. Names, titles and contact fields are the record's own and stay."""

    def fields(self):
        """Each model's TextFields, and the shorter free text it declares (`free_text`)."""
        for model in curated_models():
            texts = [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)]
            texts += getattr(model, "free_text", ())
            if texts:
                yield model, texts

    def collect(self):
        subject = self.subject
        if not subject.identified:
            return []
        found = []
        for model, texts in self.fields():
            sieve = subject.mentioned(*texts)
            live = self.reach.rows(model._default_manager.filter(sieve))
            rows = [*live, *self.reach.history(model.history.model).filter(sieve)]
            near = subject.near_ids(model, {row.id for row in rows})
            for row in rows:
                changes = {}
                for field in texts:
                    text = getattr(row, field)
                    struck = subject.strike(text, near=row.id in near)
                    if struck != text:
                        changes[field] = struck
                if changes:
                    found.append((row, changes))
        return found

    def remove(self):
        for row, changes in self.collect():
            type(row)._default_manager.filter(pk=row.pk).update(**changes)


class PersonRecord(Part):
    """The person and every historical version of them: deleted. Their seats stay, without a
    name; older versions of any seat stop pointing to them (the link is theirs, and a deleted
    id may be given again); each seat they hold gets a version saying why, by the user who
    erased them."""

    def collect(self):
        person = self.subject.person
        return [person, *Person.history.filter(id=person.pk)]

    def remove(self):
        subject = self.subject
        pk = subject.person.pk
        subject.person.delete()  # seats: person set to NULL; simple-history writes a last
        Person.history.filter(id=pk).delete()  # version, which goes with all the others
        Seat.history.filter(person_id=pk).update(person_id=None)
        for seat in subject.seats:
            seat.person = None
        Seat.history.bulk_history_create(
            subject.seats, update=True, default_user=self.user, default_change_reason=ERASURE_REASON
        )


class PendingUploads(Part):
    """Import files waiting for confirmation: deleted, since any of them may name the person
    (an .xlsx cannot be searched as it is stored). They are no one's record: the uploader
    uploads the file again."""

    def collect(self):
        return uploads.waiting()

    def remove(self):
        uploads.delete_all()


class PageCache(Part):
    """Cached public pages that showed the person: emptied."""

    def remove(self):
        cache.clear()  # the site's cache has a Redis database of its own (README)


class DataPackages(Part):
    """The downloadable data packages (/data/), which name every seat's holder: deleted; the
    next download is built without the person."""

    def remove(self):
        # Once committed: a package written before then, from the data before the erasure,
        # is deleted too, and one written after cannot name them.
        transaction.on_commit(datapackage.forget_all)


class Erasure:
    """Erase one person: every part in turn, then log it, without the name."""

    parts = [
        ReportsAboutThem,
        ReportsNamingThem,
        AdminLog,
        ChangeReasons,
        FreeText,
        PersonRecord,
        PendingUploads,
        PageCache,
        DataPackages,
    ]

    def __init__(self, person, user):
        self.subject = Subject(person, Reach(user))
        self.user = user

    def remove(self):
        """Erase; returns the number of seats kept without a name."""
        pk, kept = self.subject.person.pk, len(self.subject.seats)
        for part in self.parts:
            part(self.subject, self.user).remove()
        LogEntry.objects.create(
            user=self.user,
            content_type=content_type(Person),
            object_id=str(pk),
            object_repr=ERASED,
            action_flag=DELETION,
            change_message=(
                "Erased at the person's request: name, contact details and history deleted; "
                f"{kept} seat(s) kept without a name; reports about them redacted."
            ),
        )
        return kept
