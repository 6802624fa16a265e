"""Erasing a person at their request, so that no table keeps their name, email or phone.

Organised as DemocracyClub's YourNextRepresentative organises its data removal: one small
class per kind of record that can keep the person, each with `collect()` (what keeps them)
and `remove()` (delete or redact it). `Erasure` runs them in turn; who may erase whom is
curation.rules' (curation.services.person_erase asks it first).

What the person is known by is gathered once, before anything is removed (`Subject`): every
name, email and phone any version of them had, every seat they hold or ever held (from the
seats' history) and those seats' bodies and areas.

Reports the public sent about them (about the person, a seat they hold, or a seat they held
that the report names them on) are redacted, not deleted, so that the moderation record stays:
the label says "Seat of an erased person on <body> (<partnership>)", the message and the
curator's note say REDACTED, the reporter's address goes with the message. Elsewhere their
name, email and phone are struck out (STRUCK), in any case and spacing: names where the person
was (reports routed to their areas; log entries about them, their seats and those seats'
bodies; change reasons), emails and phones wherever they appear, so that a namesake elsewhere
keeps their name. Every import file waiting for confirmation is deleted (any of them may name
the person; the uploader uploads it again), and the page cache is emptied.
"""

import json
import re

from django.apps import apps
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from django.utils.text import Truncator

from partnerships.models import Area, Body, Person, Seat

from . import uploads
from .models import Correction

ERASED = "Erased person"
ERASURE_REASON = "The person holding this seat was erased at their request."
REDACTED = "Redacted: the person was erased at their request."
STRUCK = "[erased]"
LABEL_MAX = Correction._meta.get_field("record_label").max_length
REPR_MAX = LogEntry._meta.get_field("object_repr").max_length


def is_redacted(correction):
    return correction.message == REDACTED


class Subject:
    """The person to erase, as every part of the erasure needs them."""

    def __init__(self, person):
        self.person = person
        pk = person.pk
        versions = Person.history.filter(id=pk).values_list("name", "email", "phone")
        known = {(person.name, person.email, person.phone), *versions}
        self.names = _kept({name for name, _, _ in known})
        self.contacts = _kept({value for _, *contact in known for value in contact})
        self.identifiers = _kept({*self.names, *self.contacts})
        self.pattern = re.compile("|".join(map(_spelled, self.identifiers)), re.IGNORECASE)

        self.seats = list(Seat.objects.filter(person_id=pk).select_related("body__partnership"))
        held = Seat.history.filter(person_id=pk).order_by("history_date")
        seat_bodies = dict(held.values_list("id", "body_id"))  # the body while they held it
        seat_bodies.update({seat.pk: seat.body_id for seat in self.seats})
        self.seat_ids = {seat.pk for seat in self.seats}
        self.past_seat_ids = set(seat_bodies) - self.seat_ids
        bodies = Body.objects.select_related("partnership").in_bulk(set(seat_bodies.values()))
        self.seat_bodies = {seat: bodies.get(body) for seat, body in seat_bodies.items()}
        self.body_ids = set(bodies)
        places = Area.objects.filter(partnerships__bodies__in=self.body_ids)
        self.area_ids = set(places.values_list("pk", flat=True))

    def names_them(self, *texts):
        return bool(self.identifiers) and any(self.pattern.search(t or "") for t in texts)

    def strike(self, text):
        """text with every name, email and phone of theirs struck out."""
        if not self.identifiers or not text:
            return text
        return self.pattern.sub(STRUCK, text)

    def strike_message(self, change_message):
        """A log entry's change message (JSON, or plain text) with them struck out; JSON is
        read first, since it spells letters such as ë as escapes."""
        try:
            message = json.loads(change_message)
        except ValueError:
            return self.strike(change_message)
        return json.dumps(self._strike_all(message))

    def _strike_all(self, value):
        if isinstance(value, str):
            return self.strike(value)
        if isinstance(value, list):
            return [self._strike_all(item) for item in value]
        if isinstance(value, dict):
            return {key: self._strike_all(item) for key, item in value.items()}
        return value

    def mentioned(self, *fields, names=True):
        """Rows whose fields hold one of their identifiers (without names: their email or
        phone) as stored: a first sieve in the database; names_them decides."""
        values = self.identifiers if names else self.contacts
        if not values:
            return Q(pk__in=[])
        return Q.create(
            [(f"{field}__icontains", value) for field in fields for value in values],
            connector=Q.OR,
        )


def _kept(values):
    """Non-empty values, longest first (so that a pattern tries the longest first)."""
    return sorted({v.strip() for v in values if v and v.strip()}, key=len, reverse=True)


def _spelled(value):
    """A pattern matching value as it may be written: any case, any spacing between words; a
    phone number with or without spaces, dashes, dots or brackets between its digits."""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 6 and not re.search(r"[^\d\s\-.()+]", value):
        body = r"[\s\-.()]*".join(digits)
        return rf"(?<!\d){body}(?!\d)"
    body = r"\s+".join(re.escape(word) for word in value.split())
    return rf"(?<!\w){body}(?!\w)"


def content_type(model):
    return ContentType.objects.get_for_model(model)


class Part:
    """One kind of record that may keep the person: collect() finds the rows (or files) that
    keep them, remove() deletes or redacts those."""

    def __init__(self, subject, user):
        self.subject = subject
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
        labels = {str(report.pk): str(report)[:REPR_MAX] for report in reports}
        for entry in entries:
            entry.object_repr = labels[entry.object_id]
            entry.change_message = self.subject.strike_message(entry.change_message)
        LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])


class ReportsAboutThem(Reports):
    """Reports about the person, about a seat they hold, or about a seat they held that name
    them (a seat's report is labelled with its holder at the time): redacted."""

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
    """Other reports that name them: routed to the areas where they sat (by name, email or
    phone), or anywhere (by email or phone): their name, email and phone struck out, the
    reporter's address cleared if it was theirs."""

    def collect(self):
        subject = self.subject
        nearby = Correction.objects.filter(areas__in=subject.area_ids).values("pk")
        candidates = Correction.objects.filter(
            Q(pk__in=nearby) | subject.mentioned("message", "email", "record_label", names=False)
        ).exclude(message=REDACTED)
        return [r for r in candidates if subject.names_them(*(getattr(r, f) for f in self.fields))]

    def redact(self, report):
        strike = self.subject.strike
        report.record_label = Truncator(strike(report.record_label)).chars(LABEL_MAX)
        report.message, report.curator_note = strike(report.message), strike(report.curator_note)
        if self.subject.names_them(report.email):
            report.email = ""


class AdminLog(Part):
    """Entries about the person, about the seats they hold or held and about those seats'
    bodies (whose pages name seats by holder), and any entry quoting their email or phone:
    the person's entries are renamed ERASED, every other mention struck out."""

    def collect(self):
        subject = self.subject
        about_them = Q(content_type=content_type(Person), object_id=str(subject.person.pk))
        seats = Q(
            content_type=content_type(Seat),
            object_id__in=[str(pk) for pk in subject.seat_ids | subject.past_seat_ids],
        )
        body_ids = [str(pk) for pk in subject.body_ids]
        bodies = Q(content_type=content_type(Body), object_id__in=body_ids)
        quoting = subject.mentioned("object_repr", "change_message", names=False)
        return list(LogEntry.objects.filter(about_them | seats | bodies | quoting))

    def remove(self):
        person_type, pk = content_type(Person).pk, str(self.subject.person.pk)
        entries = self.collect()
        for entry in entries:
            if (entry.content_type_id, entry.object_id) == (person_type, pk):
                entry.object_repr = ERASED
            else:
                entry.object_repr = self.subject.strike(entry.object_repr)[:REPR_MAX]
            entry.change_message = self.subject.strike_message(entry.change_message)
        LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])


class ChangeReasons(Part):
    """History rows of any model whose change reason quotes their name, email or phone (an
    import's reason names its file, which may be named after them): struck out."""

    def history_models(self):
        return [
            model
            for model in apps.get_models()
            if hasattr(model, "instance_type")
            and any(f.name == "history_change_reason" for f in model._meta.fields)
        ]

    def collect(self):
        sieve = self.subject.mentioned("history_change_reason")
        return [
            row
            for model in self.history_models()
            for row in model.objects.filter(sieve)
            if self.subject.names_them(row.history_change_reason)
        ]

    def remove(self):
        for row in self.collect():
            reason = self.subject.strike(row.history_change_reason)
            type(row).objects.filter(pk=row.pk).update(history_change_reason=reason)


class PersonRecord(Part):
    """The person and every historical version of them: deleted. Their seats stay, without a
    name; older versions of the seats stop pointing to them; each seat gets a version saying
    why, by the user who erased them."""

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
    """Import files waiting for confirmation: deleted, since any of them may name the person."""

    def collect(self):
        return uploads.waiting()

    def remove(self):
        for path in self.collect():
            path.unlink(missing_ok=True)


class PageCache(Part):
    """Cached public pages that showed the person: emptied."""

    def remove(self):
        cache.clear()


class Erasure:
    """Erase one person: every part in turn, then log it, without the name."""

    parts = [
        ReportsAboutThem,
        ReportsNamingThem,
        AdminLog,
        ChangeReasons,
        PersonRecord,
        PendingUploads,
        PageCache,
    ]

    def __init__(self, person, user):
        self.subject = Subject(person)
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
