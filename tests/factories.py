"""factory_boy factories for every model, built on the real ONS areas that conftest loads."""

import datetime

import factory

from networks.choices import Funding, NetworkKind, NetworkStatus
from networks.models import Network
from partnerships.choices import BodyKind, DocumentKind, OrganisationKind, Sector, Selection, Theme
from partnerships.models import Area, Body, Document, Organisation, Partnership, Person, Seat


def area(code="E06000001"):
    """A real area by GSS code (Hartlepool unless told otherwise)."""
    return Area.objects.get(gss_code=code)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    website = "https://partnership.example.org/"
    last_verified_on = factory.LazyFunction(datetime.date.today)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            self.areas.set(extracted or [area()])


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    partnership = factory.SubFactory(PartnershipFactory)
    kind = BodyKind.BOARD
    theme = ""
    name = factory.Sequence(lambda n: f"Board {n}")


class ThemedGroupFactory(BoardFactory):
    kind = BodyKind.THEMED_GROUP
    theme = Theme.CRIME_AND_DISORDER
    name = factory.Sequence(lambda n: f"Community Safety Partnership {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.VCS


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    phone = "01234 567890"
    publish_contact = True


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    person = factory.SubFactory(PersonFactory)
    body = factory.SubFactory(BoardFactory)
    sector = Sector.VCS
    organisation = factory.SubFactory(OrganisationFactory)
    role = "VCS representative"
    selection = Selection.ELECTED
    start_date = datetime.date(2008, 4, 1)
    end_date = None


class VacancyFactory(SeatFactory):
    """An open VCS seat on a board, elected by the local VCS, taking applications."""

    person = None
    organisation = None
    role = ""
    vacant = True
    start_date = None
    selection_closes = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=30)
    )
    how_to_apply = "Ask Hartlepool Voluntary Development Agency: hvda@example.org"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community Empowerment Network {n}")
    kind = NetworkKind.CEN
    status = NetworkStatus.ACTIVE
    funding = Funding.FUNDED
    status_checked_on = datetime.date(2008, 6, 1)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            self.areas.set(extracted or [area()])


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    kind = DocumentKind.SCS
    title = factory.Sequence(lambda n: f"Sustainable Community Strategy {n}")
    partnership = factory.SubFactory(PartnershipFactory)
    start_year = 2008
    end_year = 2020
    priorities = "Safer streets\nBetter health"
