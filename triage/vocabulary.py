"""The words of the diary (`backpain-diary/1`): every code the profile and entries may hold.

Codes are stable (database, exports, the triage rules, tests); labels are what people read.
These are plain enums: the pure triage code imports them without touching the database.
"""

from __future__ import annotations

from django.db import models


class History(models.TextChoices):
    CANCER = "cancer", "I have had cancer"
    OSTEOPOROSIS = "osteoporosis", "Osteoporosis (thinning bones)"
    WEAKENED_IMMUNE_SYSTEM = "weakened_immune_system", "A weakened immune system"
    RECENT_BACTERIAL_INFECTION = (
        "recent_bacterial_infection",
        "A bacterial infection in the last few weeks",
    )


class Onset(models.TextChoices):
    FALL_OR_INJURY = "fall_or_injury", "After a fall or an injury to my back"
    SERIOUS_ACCIDENT = "serious_accident", "After a serious accident (a car crash, say)"
    HEAVY_LIFTING = "heavy_lifting", "After lifting something heavy"


class Location(models.TextChoices):
    BETWEEN_SHOULDER_BLADES = "between_shoulder_blades", "Between the shoulder blades"
    TOP_OF_BACK = "top_of_back", "Top of the back, near the neck"
    MIDDLE_BACK = "middle_back", "Middle of the back"
    LOWER_RIBS = "lower_ribs", "Around the lower ribs"
    LOWER_BACK = "lower_back", "Lower back"


class RestRelief(models.TextChoices):
    YES = "yes", "Yes, it eased"
    SOME = "some", "A little"
    NO = "no", "No, it did not ease"


class Activity(models.TextChoices):
    WALKING = "walking", "Walking"
    SWIMMING = "swimming", "Swimming"
    YOGA = "yoga", "Yoga"
    STRETCHING = "stretching", "Stretching"
    EXERCISES = "exercises", "Exercises"
    CYCLING = "cycling", "Cycling"
    DESK_WORK = "desk_work", "Desk work"
    LIFTING_BENDING = "lifting_bending", "Lifting or bending"
    OTHER = "other", "Something else"


class DailyTasks(models.TextChoices):
    MANAGED = "managed", "Managed them"
    STRUGGLED = "struggled", "Struggled with them"
    UNABLE = "unable", "Could not do them"


class Sleep(models.TextChoices):
    OK = "ok", "Slept fine"
    DISTURBED = "disturbed", "Sleep was disturbed"
    UNABLE = "unable", "Could not sleep"


class Symptom(models.TextChoices):
    CHEST_PAIN = "chest_pain", "Chest pain"
    FEVER = "fever", "A high temperature (fever), feeling hot or shivery"
    WEIGHT_LOSS = "weight_loss", "Losing weight without trying"
    SADDLE_NUMBNESS = "saddle_numbness", "Numbness or tingling around the bottom or genitals"
    BLADDER_BOWEL = "bladder_bowel", "Trouble peeing, or not being able to control pee or poo"
    BACK_SWELLING = "back_swelling", "A swelling or a change in the shape of the back"
    WORSE_COUGH_SNEEZE = (
        "worse_cough_sneeze",
        "Pain gets worse when coughing, sneezing or on the toilet",
    )
    LEG_NUMBNESS_WEAKNESS = (
        "leg_numbness_weakness",
        "Numbness, weakness or tingling in the legs",
    )
    UNWELL = "unwell", "Feeling generally unwell"


class SelfCare(models.TextChoices):
    HEAT_OR_COLD = "heat_or_cold", "Heat or cold"
    PAIN_RELIEF = "pain_relief", "Pain relief"
    STRETCHING_BREAKS = "stretching_breaks", "Stretching breaks"
    PHYSIO_EXERCISES = "physio_exercises", "Physio exercises"
