"""What each organisation sells: its offerings.

An offering is public to the network (any signed-in person), and to anyone when its
organisation's profile is public: its name, description, the skills it draws on, a typical
size or price band (what the organisation advertises, never its people's rates or costs) and
its lead time. Only the organisation's admins change it.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from coopnet.common.access import Rule
from coopnet.common.amounts import MONEY
from coopnet.directory.models import Organisation, Skill


class Offering(models.Model):
    access = Rule(owner="organisation")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offerings"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="offerings")
    #: the price band it advertises, in the network's currency (either end may be left open)
    price_low = models.DecimalField(
        null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    price_high = models.DecimalField(
        null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    #: a typical size in words ("2–6 week projects", "up to 40 seats")
    size = models.CharField(max_length=120, blank=True)
    #: how long before the work can start, in days
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_offering_name"),
            models.CheckConstraint(
                condition=models.Q(price_low__isnull=True)
                | models.Q(price_high__isnull=True)
                | models.Q(price_low__lte=models.F("price_high")),
                name="offering_price_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lead_time_weeks(self) -> int | None:
        """The lead time in whole weeks, when it is a whole number of them."""
        days = self.lead_time_days
        return days // 7 if days and days % 7 == 0 else None
