from django.db import models


class NetworkKind(models.TextChoices):
    CEN = "cen", "Community Empowerment Network"
    WOMENS_NETWORK = "womens_network", "Women's network"
    WOMENS_FORUM = "womens_forum", "Women's forum"


class NetworkStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    STRUGGLING = "struggling", "Struggling"
    CEASED = "ceased", "Ceased"


class Funding(models.TextChoices):
    FUNDED = "funded", "Funded"
    PARTLY_LOST = "partly_lost", "Lost part of its funding"
    LOST = "lost", "Lost its funding"
    UNKNOWN = "unknown", "Not known"
