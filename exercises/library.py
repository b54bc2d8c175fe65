"""The exercise library as first published: common exercises for the upper back, written
by Upright in plain words. Codes are stable: a change to the library is a new migration
with its own list, and an administrator can add more in the admin.

Loaded by migration 0002; `load_library` puts it back in a database emptied without its
migrations (a test that flushed the tables)."""

from __future__ import annotations

from typing import Any

LIBRARY: list[dict[str, Any]] = [
    {
        "code": "chair-extension",
        "name": "Back bend over a chair",
        "steps": [
            "Sit on a firm chair whose backrest reaches the middle of your back.",
            "Put your hands behind your head and keep your elbows loosely forward.",
            "Breathe out and lean back over the top of the backrest, looking up a little.",
            "Come back to upright, then repeat slowly.",
        ],
        "feel": "A stretch across the middle of your back where it meets the chair.",
        "stop_if": "Pain spreads around your ribs or into your arms, or you feel dizzy.",
        "sets": 1,
        "repetitions": 8,
    },
    {
        "code": "cat-camel",
        "name": "Cat and camel",
        "steps": [
            "Kneel on all fours, hands under your shoulders and knees under your hips.",
            "Round your back up towards the ceiling and let your head drop.",
            "Then let your middle sink slowly and lift your head to look ahead.",
            "Move between the two at an easy pace, in time with your breathing.",
        ],
        "feel": "Your whole spine moving, with gentle stretching in between.",
        "stop_if": "Your wrists or knees hurt, or the back pain sharpens as you move.",
        "sets": 1,
        "repetitions": 10,
    },
    {
        "code": "thread-the-needle",
        "name": "Thread the needle",
        "steps": [
            "Start on all fours.",
            "Slide your right hand, palm up, under your left arm along the floor.",
            "Let your right shoulder and the side of your head come down towards the floor.",
            "Return and reach the right arm up to the ceiling, following it with your eyes.",
            "Do all the repetitions, then change sides.",
        ],
        "feel": "A twist and stretch between your shoulder blades.",
        "stop_if": "You feel pins and needles in your hand or sharp pain in the shoulder.",
        "sets": 1,
        "repetitions": 8,
    },
    {
        "code": "open-book",
        "name": "Open book",
        "steps": [
            "Lie on your side with your knees bent up in front of you and arms out straight ahead, palms together.",
            "Keep your knees together on the floor.",
            "Lift the top arm up and over to the other side, turning your chest to open like a book.",
            "Pause, then bring the arm back. Do all the repetitions, then turn over.",
        ],
        "feel": "A turning stretch through your chest and the middle of your back.",
        "stop_if": "Pain shoots down your arm or around your chest.",
        "sets": 1,
        "repetitions": 8,
    },
    {
        "code": "shoulder-blade-squeeze",
        "name": "Shoulder blade squeeze",
        "steps": [
            "Sit or stand tall with your arms by your sides.",
            "Draw your shoulder blades back and slightly down, as if into your back pockets.",
            "Hold without shrugging your shoulders up.",
            "Let go slowly and rest for a breath.",
        ],
        "feel": "The muscles between your shoulder blades working.",
        "stop_if": "You get a cramp or a sharp pain between the shoulder blades.",
        "sets": 1,
        "repetitions": 10,
        "hold_seconds": 5,
    },
    {
        "code": "chin-tuck",
        "name": "Chin tuck",
        "steps": [
            "Sit tall, looking straight ahead.",
            "Glide your head straight back, making a small double chin, without tipping it up or down.",
            "Hold, then let your head come forward again.",
        ],
        "feel": "A stretch at the top of your neck and the back of your head.",
        "stop_if": "You feel dizzy, or pain or tingling goes into your arms.",
        "sets": 1,
        "repetitions": 10,
        "hold_seconds": 3,
    },
    {
        "code": "doorway-stretch",
        "name": "Doorway chest stretch",
        "steps": [
            "Stand in a doorway with your forearms on each side of the frame, elbows at shoulder height.",
            "Step one foot forward and lean gently through the doorway.",
            "Keep your back straight and breathe normally while you hold.",
            "Step back to let go.",
        ],
        "feel": "A stretch across the front of your chest and shoulders.",
        "stop_if": "Your shoulder feels as if it could slip, or your hands tingle.",
        "sets": 3,
        "hold_seconds": 20,
    },
    {
        "code": "wall-slide",
        "name": "Wall slide",
        "steps": [
            "Stand with your back, head and bottom against a wall, feet a little away from it.",
            "Raise your arms to make a W against the wall, elbows bent.",
            "Slide your arms slowly up the wall as far as is comfortable, keeping contact.",
            "Slide them back down to the W.",
        ],
        "feel": "Work in the muscles around your shoulder blades and a stretch in your chest.",
        "stop_if": "Your shoulder pinches or the pain travels into your arm.",
        "sets": 1,
        "repetitions": 10,
    },
    {
        "code": "prone-y-t",
        "name": "Y and T raises lying face down",
        "steps": [
            "Lie face down with a folded towel under your forehead.",
            "Put your arms overhead in a Y, thumbs pointing up.",
            "Lift both arms a little off the floor by drawing your shoulder blades back, then lower.",
            "Move your arms out to the sides in a T and repeat the lift.",
        ],
        "feel": "The muscles of your upper back and the backs of your shoulders working.",
        "stop_if": "Your lower back hurts, or the pain in your upper back gets sharper.",
        "sets": 2,
        "repetitions": 8,
    },
    {
        "code": "side-bend",
        "name": "Side bend",
        "steps": [
            "Stand with your feet hip width apart and your arms by your sides.",
            "Slide one hand down the side of your leg, bending sideways at the waist.",
            "Come back up tall and bend to the other side.",
        ],
        "feel": "A stretch along the side of your body and ribs.",
        "stop_if": "You feel pain around your ribs when breathing, or you lose your balance.",
        "sets": 1,
        "repetitions": 8,
    },
    {
        "code": "seated-twist",
        "name": "Seated twist",
        "steps": [
            "Sit on a chair with your feet flat and your arms crossed over your chest.",
            "Keep your hips facing forward and turn your upper body to one side.",
            "Hold for a breath, come back to the middle, and turn to the other side.",
        ],
        "feel": "Your mid back turning and a gentle stretch along your sides.",
        "stop_if": "The pain becomes sharp or spreads round to your chest.",
        "sets": 1,
        "repetitions": 8,
    },
    {
        "code": "shoulder-rolls",
        "name": "Shoulder rolls",
        "steps": [
            "Sit or stand with your arms relaxed.",
            "Lift your shoulders up towards your ears, roll them back and let them drop.",
            "Make each roll slow and as big as is comfortable.",
            "After the set, roll them forwards a few times.",
        ],
        "feel": "Your shoulders and upper back loosening.",
        "stop_if": "You feel clicking with pain, or pain in your neck or arms.",
        "sets": 1,
        "repetitions": 10,
    },
    {
        "code": "deep-breathing",
        "name": "Breathing into your back",
        "steps": [
            "Sit tall or lie on your back with your knees bent.",
            "Put your hands on the sides of your lower ribs.",
            "Breathe in slowly through your nose and let your ribs widen into your hands and back.",
            "Breathe out gently and fully through your mouth.",
        ],
        "feel": "Your ribs and upper back moving as you breathe.",
        "stop_if": "Breathing in deeply is painful or you get short of breath.",
        "sets": 1,
        "repetitions": 6,
    },
    {
        "code": "walk",
        "name": "A walk",
        "steps": [
            "Walk at a pace where you can still talk.",
            "Let your arms swing and keep your head up.",
            "Start with a short walk and add a few minutes when it feels easy.",
        ],
        "feel": "Warmer and looser; a little tiredness is fine.",
        "stop_if": "You feel chest pain, are very short of breath, or feel faint.",
        "sets": 1,
        "minutes": 15,
    },
]


def load_library(exercise_model: Any) -> None:
    """Add or refresh the library's exercises (idempotent): `exercise_model` is the model
    class, the migration's historical one or the app's."""
    for position, item in enumerate(LIBRARY):
        exercise_model.objects.update_or_create(
            code=item["code"], defaults={**item, "position": position}
        )
