"""The fixed vocabularies of the domain, shared by models, filters, imports and exports."""

from django.db import models


class AreaKind(models.TextChoices):
    COUNTY = "county", "County"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"
    DISTRICT = "district", "Non-metropolitan district"


class BodyKind(models.TextChoices):
    BOARD = "board", "Board"
    THEMED_GROUP = "themed_group", "Themed group"


class Theme(models.TextChoices):
    CRIME_AND_DISORDER = "crime_and_disorder", "Crime and disorder"
    CHILDREN_AND_YOUNG_PEOPLE = "children_and_young_people", "Children and young people"
    HEALTH_AND_WELLBEING = "health_and_wellbeing", "Health and wellbeing"
    ECONOMY_AND_ENTERPRISE = "economy_and_enterprise", "Economy and enterprise"
    ENVIRONMENT = "environment", "Environment"
    HOUSING = "housing", "Housing"
    OLDER_PEOPLE = "older_people", "Older people"
    STRONGER_COMMUNITIES = "stronger_communities", "Stronger communities"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    BUSINESS = "business", "Business"
    VCS = "vcs", "Voluntary and community sector"
    OTHER = "other", "Other"


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    HEALTH = "health", "Health body"
    POLICE = "police", "Police"
    BUSINESS = "business", "Business"
    VCS = "vcs", "Voluntary and community organisation"
    INFRASTRUCTURE = "infrastructure", "Local infrastructure organisation"
    OTHER = "other", "Other"


# An organisation that an import creates takes its kind from the seat's sector.
ORGANISATION_KIND_FOR_SECTOR = {
    Sector.LOCAL_AUTHORITY: OrganisationKind.COUNCIL,
    Sector.HEALTH: OrganisationKind.HEALTH,
    Sector.POLICE: OrganisationKind.POLICE,
    Sector.BUSINESS: OrganisationKind.BUSINESS,
    Sector.VCS: OrganisationKind.VCS,
    Sector.OTHER: OrganisationKind.OTHER,
}


class InfrastructureType(models.TextChoices):
    CVS = "cvs", "Council for Voluntary Service (CVS)"
    RCC = "rcc", "Rural Community Council (RCC)"
    EQUALITIES = "equalities", "Equalities network or forum"
    OTHER = "other", "Other infrastructure body"


class Selection(models.TextChoices):
    ELECTED = "elected", "Elected"
    APPOINTED = "appointed", "Appointed"
    NOMINATED = "nominated", "Nominated"
    OTHER = "other", "Other"


class DocumentKind(models.TextChoices):
    SCS = "scs", "Sustainable Community Strategy"
    LAA = "laa", "Local Area Agreement"
    GES = "ges", "Gender Equality Scheme"
