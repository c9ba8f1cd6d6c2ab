"""Demo publicity cases: in 市南区 one approved for public media, one waiting for review with
consent for internal training only. Runs last: it tells the stories of people already on file."""

from __future__ import annotations

import datetime

from django.utils import timezone

from songnuan.accounts.models import User
from songnuan.cases import services
from songnuan.cases.models import Audience, ConsentGiver, ConsentMethod
from songnuan.people.models import Person

# (title, story with {name} for the person's name, uses consented to, approved)
CASES = [
    ("{name}的回家路",
     "寒潮夜里，巡查队在中山路地下通道发现{name}，身上只有一件单衣。{name}起初不愿入站，"
     "队员送上棉被和热水，连续三晚回访，第四晚{name}同意入站。站里帮他联系上家人，"
     "女儿从潍坊赶来接他回家。", Audience.PUBLIC, True),
    ("一碗热汤面",
     "{name}在站里住了一周，每天帮厨房择菜。离站那天，他说这是十年来过得最暖的一个冬天。",
     Audience.INTERNAL, False),
]


def populate(ctx) -> None:
    proposer = User.objects.get(username="shinan.admin")
    reviewer = User.objects.get(username="admin")
    people = Person.objects.filter(district=proposer.district, merged_into__isnull=True) \
        .exclude(name="").order_by("pk")
    for (title, story, scope, approve), person in zip(CASES, people, strict=False):
        case = services.propose(person, services.Proposal(
            title=title.format(name=person.name), story=story.format(name=person.name),
            photos=[], uploads=[]), by=proposer)
        services.record_consent(case, services.ConsentInput(
            given_by=ConsentGiver.PERSON, method=ConsentMethod.WRITTEN, scope=scope,
            given_on=min(timezone.localdate(), (ctx.now - datetime.timedelta(days=2)).date())),
            by=proposer)
        services.submit(case, by=proposer)
        if approve:
            services.review(case, approve=True, note="脱敏完整，同意公开", by=reviewer,
                            now=ctx.now)
