"""A partner's explanation as facts, not words: the reason code, the skills only it brings as
structured data, its hours, and (private to it) its own cost and share of the surplus. The
Shapley column is named for what it holds, the Shapley payout.

Existing rows: the reason is read back from the stored words (every wording coopnet has written
names its reason in a fixed phrase) and the skills from their "elixir (level 4+)" form; the
hours are the proposal's assignments of the organisation. The own cost and surplus share are
left empty: the rates of the day are not kept, and today's would misstate them. A row whose
words cannot be read back keeps them, in `legacy_explanation`, and shows them as they were.
"""

import re
from collections import defaultdict
from decimal import Decimal

from django.db import migrations, models

from coopnet.common.money import format_money

#: a phrase of every wording of each reason, old and new
PHRASES = {
    "only_supplier": "nobody else in it has",
    "others_lack_hours": "the others lack the hours",
    "others_unprofitable": "could not deliver",
    "others_costlier": "but at a higher cost",
    "others_same_cost": "at the same cost",
}
SKILL = re.compile(r"^(?P<skill>[\w-]+) \(level (?P<level>[1-5])\+\)$")
REASON_WORDS = {
    "only_supplier": "nobody else in it has {skills}.",
    "others_lack_hours": "the others lack the hours to deliver without it.",
    "others_unprofitable": "the others could not deliver without it at a profit.",
    "others_costlier": "the others could cover its work, but at a higher cost.",
    "others_same_cost": "the others could do its work at the same cost.",
}


def reason_of(words):
    """The reason named after "... would earn <amount> less: " (a name could hold a phrase)."""
    because = words.rpartition(" less: ")[2]
    return next((code for code, phrase in PHRASES.items() if phrase in because), "")


def skills_of(entries):
    """The structured skills, or None when an entry is not in the stored form."""
    found = [SKILL.match(entry) if isinstance(entry, str) else None for entry in entries]
    if not all(found):
        return None
    return [{"skill": m["skill"], "min_level": int(m["level"])} for m in found]


def hours_by_partner(apps):
    Assignment = apps.get_model("opportunities", "Assignment")
    hours = defaultdict(Decimal)
    rows = Assignment.objects.values_list("proposal_id", "organisation_id", "hours")
    for proposal, organisation, amount in rows:
        hours[proposal, organisation] += amount
    return hours


def forwards(apps, schema_editor):
    ProposalPartner = apps.get_model("opportunities", "ProposalPartner")
    hours = hours_by_partner(apps)
    for partner in ProposalPartner.objects.all():
        partner.hours = hours.get((partner.proposal_id, partner.organisation_id), Decimal(0))
        reason, skills = reason_of(partner.legacy_explanation), skills_of(partner.unique_skills)
        if skills is not None:
            partner.unique_skills = skills
        if reason and skills is not None:
            partner.reason, partner.legacy_explanation = reason, ""
        partner.save(update_fields=["hours", "reason", "unique_skills", "legacy_explanation"])


def backwards(apps, schema_editor):
    """The words back into the old column, in pounds as the old rows were written."""
    ProposalPartner = apps.get_model("opportunities", "ProposalPartner")
    for partner in ProposalPartner.objects.select_related("organisation"):
        skills = [
            f"{s['skill']} (level {s['min_level']}+)"
            for s in partner.unique_skills
            if isinstance(s, dict)
        ]
        if partner.reason:
            because = REASON_WORDS[partner.reason].format(skills=", ".join(skills))
            partner.legacy_explanation = (
                f"Without {partner.organisation.name} the consortium would earn "
                f"{format_money(partner.added_value, 'GBP', 'en_GB')} less: {because}"
            )
        partner.unique_skills = skills or partner.unique_skills
        partner.save(update_fields=["unique_skills", "legacy_explanation"])


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="proposalpartner", old_name="shapley_share", new_name="shapley_payout"
        ),
        migrations.RenameField(
            model_name="proposalpartner", old_name="explanation", new_name="legacy_explanation"
        ),
        migrations.AddField(
            model_name="proposalpartner",
            name="reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("only_supplier", "only supplier"),
                    ("others_lack_hours", "others lack hours"),
                    ("others_unprofitable", "others unprofitable"),
                    ("others_costlier", "others costlier"),
                    ("others_same_cost", "others same cost"),
                ],
                max_length=24,
            ),
        ),
        migrations.AddField(
            model_name="proposalpartner",
            name="hours",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=8),
        ),
        migrations.AddField(
            model_name="proposalpartner",
            name="own_cost",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name="proposalpartner",
            name="surplus_share",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
