"""Demo content for a development site: staff accounts, authors, sections, articles and pages.

Everything here is invented for the demo, written for this project: the writers, the officials and
the events. Loading is idempotent: rows are keyed on usernames and slugs, and a row that already
exists is left as it is, since an editor may have changed it since.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont

from .models import Article, Author, Page, Section
from .publication import article_mark_announced, publication_schedule
from .roles import AUTHORS, EDITORS, ensure_roles

DEFAULT_PASSWORD = "ewview-demo-editor"
EDITOR_USERNAME = "editor"
AUTHOR_USERNAME = "author"


@dataclass(frozen=True)
class DemoSummary:
    """What the demo content holds after loading, and how many rows this run added."""

    created: int
    sections: int
    authors: int
    published: int
    scheduled: int
    drafts: int
    pages: int
    editor_username: str
    author_username: str


@dataclass(frozen=True)
class _Person:
    slug: str
    name: str
    position: str
    bio: str
    colour: tuple[int, int, int]
    user: str = ""  # the demo account that writes as this author, if any


@dataclass(frozen=True)
class _Story:
    slug: str
    section: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    # Days before today, negative for days to come; None for a draft.
    days_ago: int | None
    at: str
    title: str
    standfirst: str
    blocks: tuple[str, ...]
    image: tuple[str, str] | None  # (palette, caption) of a generated featured image


def _story(slug, section, authors, tags, days_ago, at, text, image=None) -> _Story:
    """A story from its text: title, standfirst, then body blocks, separated by blank lines."""
    title, standfirst, *blocks = (" ".join(b.split()) for b in text.strip().split("\n\n"))
    return _Story(
        slug=slug,
        section=section,
        authors=tuple(authors.split()),
        tags=tuple(tag.strip() for tag in tags.split(",")),
        days_ago=days_ago,
        at=at,
        title=title,
        standfirst=standfirst,
        blocks=tuple(blocks),
        image=image,
    )


SECTIONS = [
    ("gulf-analysis", "Gulf Analysis", "Diplomacy, security and money in the Gulf and its waters."),
    ("levant-daily", "Levant Daily", "Short daily reporting from the Levant and its borders."),
    ("energy-watch", "Energy Watch", "Oil, gas and electricity: markets, pipes and politics."),
    ("elections", "Elections", "Campaigns, polls, results and the coalitions that follow."),
    ("explainers", "Explainers", "The background to the news, in plain language."),
    ("opinion", "Opinion", "Signed arguments. They speak for their writers, not the site."),
]

PEOPLE = [
    _Person(
        "leila-marouf",
        "Leila Marouf",
        "Editor; writes on Gulf diplomacy",
        "<p>Leila Marouf edits the site and writes about Gulf diplomacy and mediation. She spent a "
        "decade as a correspondent before turning to analysis, and still reads every communiqué "
        "to the last footnote.</p>",
        (31, 78, 121),
        user=EDITOR_USERNAME,
    ),
    _Person(
        "tomas-reyland",
        "Tomas Reyland",
        "Energy correspondent",
        "<p>Tomas Reyland covers oil, gas and electricity: the markets, the pipelines and the "
        "politics that decide who gets paid. He was a commodities reporter before he became an "
        "analyst.</p>",
        (150, 72, 28),
    ),
    _Person(
        "samir-aoun",
        "Samir Aoun",
        "Levant correspondent",
        "<p>Samir Aoun reports from the Levant, with a focus on how economic pressure reaches "
        "households. He writes most of the <em>Levant Daily</em> briefings.</p>",
        (38, 112, 82),
        user=AUTHOR_USERNAME,
    ),
    _Person(
        "hannah-okafor-byrne",
        "Hannah Okafor-Byrne",
        "Elections and polling analyst",
        "<p>Hannah Okafor-Byrne follows elections across the region, from candidate lists to "
        "coalition talks. She distrusts any poll that does not publish its method.</p>",
        (112, 52, 112),
    ),
]

# Oldest first: an article links only to articles listed before it, whose URLs are known by then.
# Body blocks: "## " a heading, "> " a quotation, "* " a list (items split by " | "), else a
# paragraph; [text](slug) links to another demo article, [text](https://…) to another site.
STORIES = [
    _story(
        "opec-quota-quarrel",
        "energy-watch",
        "tomas-reyland",
        "oil markets, economy, diplomacy",
        118,
        "08:15",
        """
Why the quota quarrel matters more than the price

Producers argued for two days over a few hundred thousand barrels. The number is small; what it
says about the group's cohesion is not.

The headline figure from the producers' meeting was modest: a cut of a few hundred thousand barrels
a day, phased in over three months. Traders had expected something similar, and prices barely
moved.

The more interesting story is how long it took. Delegates describe a second day spent not on the
size of the cut but on who would carry it, and on whether old baselines still reflect what each
member can pump.

## Baselines are politics

A baseline is the output from which each member's share of a cut is measured. Set it high and a
country can “cut” without losing anything; set it low and it gives up real revenue. Members with
new fields want baselines revised; members whose output is falling want them frozen.

> “Everyone agrees on the need for discipline. Nobody agrees on whose discipline,” said a delegate
from a mid-sized producer.

For now the group has papered over the gap with the promise of an independent review of capacity.
Reviews of that kind have been promised before.
""",
        image=(
            "navy and amber",
            "Producers meet as demand wavers.",
        ),
    ),
    _story(
        "border-crossings-reopen",
        "levant-daily",
        "samir-aoun",
        "refugees, economy",
        114,
        "17:40",
        """
Two border crossings reopen, and traders count the cost of waiting

Lorries are moving again at the northern crossings after eleven weeks. Exporters say the closure
cost them a season.

The first lorries crossed shortly after dawn, most carrying citrus and vegetables that had sat in
cold stores since the closure. Customs officers on both sides worked through the morning to clear a
queue several kilometres long.

Officials call the reopening a technical matter, agreed between two customs authorities. Traders
see it differently: the closure was political from the start, they say, and could be repeated
whenever relations sour.

* Exporters put their losses at a third of the season's sales. | Haulage firms laid off drivers
during the closure and are now short of staff. | Families who cross to work or study can apply for
daily permits again.

Aid agencies welcomed the move, but warned that the crossings are the only practical route home for
many families, and that a second closure would be far harder to absorb.
""",
    ),
    _story(
        "gulf-mediation-quiet-channel",
        "gulf-analysis",
        "leila-marouf",
        "diplomacy, ceasefire talks",
        110,
        "10:05",
        """
The quiet channel: how Gulf mediators keep talks alive

Public summits get the photographs. The work that keeps negotiations from collapsing happens in
hotel suites and on late-night calls.

Mediation in the Gulf has a recognisable style. A small team, often led by a senior adviser rather
than a minister, shuttles between delegations that refuse to share a room. Nothing is announced
until something is agreed, and sometimes not even then.

The advantage is deniability. A party can explore a concession without being seen to offer it, and
withdraw it without losing face. The cost is that the public, and often the parties' own
parliaments, learn of a deal only when it is finished.

## Why small states do it

For a small state, mediation is a form of security. A government both sides need as a go-between is
one neither side wants to alienate. It also buys standing in several capitals at once, which few
other policies can.

The test will come when a deal needs guarantees rather than messages. Carrying notes is one thing;
promising to enforce what they say is another.
""",
    ),
    _story(
        "explainer-ceasefire-monitoring",
        "explainers",
        "samir-aoun leila-marouf",
        "ceasefire talks, diplomacy",
        106,
        "12:30",
        """
Explainer: how a ceasefire is monitored

A ceasefire is only as strong as the system for noticing when it is broken. Here is how that system
usually works.

Most ceasefires start with a line on a map and a date. Whether they last depends on what happens
next: who watches the line, who they report to, and what happens when a report comes in.

## The three usual pieces

* <strong>Observers</strong>: unarmed monitors from a neutral state or an international body, on
patrol or at fixed posts. | <strong>A joint committee</strong> where officers from both sides
discuss incidents before they escalate. | <strong>A hotline</strong> between commanders, so a stray
shell is explained within minutes rather than answered.

Satellite images, drones and open-source video let outsiders check claims quickly. But a monitor
can only report. Enforcement comes from the parties' sponsors, and from the fact that both sides
usually have something to lose.

> A ceasefire is not peace. It is an agreement to argue without shooting.

When you read of violations, ask who reported them, to whom, and whether the joint committee met. A
truce that survives a bad week with its committee still meeting is stronger than one with no
incidents and no committee.
""",
    ),
    _story(
        "municipal-vote-turnout",
        "elections",
        "hannah-okafor-byrne",
        "polling, protests",
        102,
        "21:10",
        """
Low turnout, loud message in the municipal vote

Fewer than three in ten registered voters took part. The ones who stayed at home may have said the
most.

Official figures put turnout at 28 per cent, the lowest since the current system began. The
governing alliance kept most of its councils, but on a share of the electorate so small that its
own members are uneasy.

Turnout fell most in districts that saw protests over services last year. Interviews by a local
research group suggest abstention there was deliberate: voters saw no link between the councils
they elect and the water and power they lack.

## What to watch

* Whether the new councils get the budgets they were promised. | Whether independent lists, which
did well in two provincial cities, hold together. | Whether next year's national election repeats
the pattern.

Low turnout is easy to dismiss as apathy. Here it looks more like a verdict.
""",
    ),
    _story(
        "tanker-insurance-premiums",
        "energy-watch",
        "tomas-reyland",
        "shipping, oil markets, economy",
        98,
        "07:50",
        """
Tanker insurance climbs as shipping lanes feel the strain

War-risk premiums for tankers have roughly doubled in a month. Someone pays: first the buyer, and
eventually the driver at the pump.

Underwriters have raised war-risk premiums for tankers calling at Gulf ports after a series of
incidents near the shipping lanes. None caused serious damage, but insurers price the risk of the
next one, not the last.

For a large crude carrier the extra premium on one voyage now runs to several hundred thousand
dollars. Owners pass it on in freight rates, refiners in turn. It is a small cost per barrel, on
top of [the producers' cut](opec-quota-quarrel) that had already tightened supply.

## Routes and rerouting

Some owners now take longer routes to avoid the areas underwriters rate highest. That adds days to
each voyage and takes ships out of circulation, which pushes rates up for everyone else.

> “The market can live with a higher price. What it handles badly is not knowing next month's,”
said a broker at a shipping firm.

Premiums tend to fall as fast as they rose once a few quiet weeks pass. The question is whether the
quiet weeks come.
""",
    ),
    _story(
        "bread-prices-protests",
        "levant-daily",
        "samir-aoun",
        "protests, economy",
        95,
        "19:25",
        """
Bread prices bring crowds back to the squares

A cut to the flour subsidy added a fifth to the price of bread overnight. By evening, people were
in the streets.

The decision appeared in the official gazette late on Thursday: the price of subsidised flour sold
to bakeries would rise, and bakeries could pass it on. By Friday afternoon crowds had gathered in
the main squares of three cities.

The protests were largely peaceful. Police blocked the roads to ministries but made few arrests, a
sign that the government is wary of turning an economic grievance into a political one.

## The budget arithmetic

The finance ministry says the subsidy is unaffordable and mostly helps those who don't need it.
Economists broadly agree, but say the order was wrong: targeted cash support should come first, and
price rises after.

* The subsidy bill has doubled in two years as the currency weakened. | A promised cash-transfer
scheme has registered a fraction of eligible households. | Bakeries say they will close if fuel
prices rise too.

Organisers have called another gathering for next Friday. Whether the government offers anything
before then will show how it reads the mood.
""",
    ),
    _story(
        "opinion-sanctions-blunt-tool",
        "opinion",
        "leila-marouf",
        "sanctions, diplomacy, economy",
        91,
        "11:00",
        """
Sanctions are a blunt tool. Use them like one.

Sanctions rarely change a government's mind. They can still be worth imposing, if we are honest
about what they are for.

Every round of sanctions comes with the same promise: pressure will bring the target to the table.
The record is not encouraging. Governments under sanctions find new partners, blame their failures
on outsiders and tighten their grip at home.

That does not make sanctions useless. They can deny a state the parts for a weapons programme, put
a price on certain conduct, and give diplomats something to trade away. What they cannot do is
fine-tune a society from abroad.

## An honest list of aims

The aim of each measure should be written down, specific and checkable, along with what would lift
it. Open-ended measures with vague goals become permanent by default, and those who pay are rarely
those who decide.

Humanitarian exemptions must be real. Banks that fear penalties refuse even lawful payments for
medicine and food unless they get clear written assurance. Drafting it is dull work. It matters
more than the headline measures.
""",
    ),
    _story(
        "gas-field-maritime-boundary",
        "energy-watch",
        "tomas-reyland leila-marouf",
        "natural gas, diplomacy",
        88,
        "14:20",
        """
A maritime boundary, a gas field and a deadline

Two neighbours disagree about where their sea border runs. Under the disputed water lies a gas
field that both of them need.

The field was found four years ago by a consortium that has spent most of the time since waiting.
Both countries claim the water above it, and no company will commit billions to a project whose
ownership could be challenged in court.

Talks brokered by a third government have narrowed the gap to a strip a few kilometres wide. What
remains is less about water than about a small island: whether it is land that generates its own
maritime zone, or a rock that does not.

## The deadline

The consortium's exploration licence expires at the end of the year. If it lapses, the partners
say, they will write off the project and move the rig elsewhere. Both governments want the gas;
neither wants to be seen conceding the island.

Negotiators have found ways round such disputes before: joint development zones, revenue splits, or
agreeing to differ on the line while drilling goes ahead. The obstacle is political. A concession
at sea is easy to attack at home.
""",
        image=(
            "deep blue and sea-green",
            "A sea border still to be drawn.",
        ),
    ),
    _story(
        "explainer-reading-a-poll",
        "explainers",
        "hannah-okafor-byrne",
        "polling, parliament",
        84,
        "09:30",
        """
Explainer: how to read a poll where polls are rare

Opinion polls in much of the region are few, small and hard to check. That does not make them
worthless, but it does mean reading them with care.

A poll is a sample standing in for a population. Where polling is regular and published, you can
set one survey against a dozen others and spot the outlier. Where there are two polls a year, each
carries more weight than it deserves.

## Five questions to ask

* Who paid for it, and who carried it out? | How were people reached: in person, by phone, online?
Online samples miss older and poorer voters. | How many were asked, and how were the results
weighted? | Were the questions published word for word? | Would people feel safe giving an honest
answer?

The last matters most. Where criticising the government carries a risk, support for it will be
overstated, and “don't know” often means “won't say”.

A good poll publishes its method. If a survey does not say how it was done, treat its numbers as an
opinion about public opinion, not a measurement of it.
""",
    ),
    _story(
        "ceasefire-talks-second-round",
        "gulf-analysis",
        "leila-marouf",
        "ceasefire talks, diplomacy",
        80,
        "22:15",
        """
Second round of ceasefire talks ends with a map, not a deal

The delegations left without a signed text, but with an agreed map of where the front lines run.
That is more than it sounds.

After four days of indirect talks, the mediators announced that the two delegations had agreed a
map of current positions. There is no ceasefire and no date for one. Both sides called the round
“constructive”, which here means nobody walked out.

An agreed map is the foundation any truce needs. Without one, every incident becomes an argument
about whether a position was ever held. As our [explainer on ceasefire
monitoring](explainer-ceasefire-monitoring) sets out, observers need a line before they can watch
it.

## Still open

* The order of withdrawals from two contested towns. | Who monitors the line, and with what access.
| Prisoner releases, which one side wants first and the other last.

The mediators are the team that has worked [the quiet channel](gulf-mediation-quiet-channel) for a
year. They will be pleased with a map, and know it can be torn up in an afternoon.
""",
    ),
    _story(
        "refugee-returns-slow",
        "levant-daily",
        "samir-aoun",
        "refugees, economy",
        77,
        "16:00",
        """
Returns slow as families weigh the cost

The number of families going home across the border halved in the past month. Cost, paperwork and
uncertainty all play a part.

Aid agencies at the crossings say returns have slowed sharply in recent weeks. Families who do
cross are mostly heading for towns with standing houses and open schools; those whose homes were
destroyed are waiting for news of rebuilding.

Cost is the other brake. Going home means transport, fees and often months without income while a
household starts again. Several agencies have cut cash assistance this year as their own budgets
shrank.

> “People want to go home. They also want to know that home has electricity and a school,” said a
field coordinator for one agency.

Host towns are under strain too. Rents have risen near the border, and local officials are pressed
to show that the refugees' stay is temporary. Slower returns suit nobody.
""",
    ),
    _story(
        "candidate-lists-published",
        "elections",
        "hannah-okafor-byrne",
        "parliament, polling",
        73,
        "13:45",
        """
Candidate lists are out: five things they tell us

The electoral commission has published the final lists for next month's parliamentary election.
Here is what stands out.

The lists are long, the ballot papers longer, and the real contest is between a handful of
alliances. Reading all forty-odd lists, five points stand out.

* Both large alliances have lost a partner since the last election and now chase the same centre
ground. | Independents are more numerous than ever, mostly in cities where last year's protests
were strongest. | Women head only six lists: the quota covers candidates, not list leaders. |
Several ministers are standing in new districts, a sign they expect trouble in their old ones. |
Eleven lists were disqualified, most over paperwork; two appeals are still in court.

## Why this matters

A fragmented field usually means long coalition talks afterwards. The next government may be
decided less by voters on polling day than by party leaders in the weeks that follow.
""",
    ),
    _story(
        "lng-contracts-long-term",
        "energy-watch",
        "tomas-reyland",
        "natural gas, economy",
        70,
        "08:40",
        """
Buyers lock in LNG for twenty years. Why now?

A cluster of long-term liquefied natural gas contracts has been signed in a few weeks. Buyers who
prized flexibility are choosing certainty.

For most of the past decade, buyers of liquefied natural gas wanted short contracts and spot
cargoes; long deals could look expensive in a glut. In recent weeks that has reversed, with several
utilities signing for twenty years or more.

The reason is memory. Buyers who relied on the spot market paid record prices in the last crunch,
and some could not get cargoes at all. A long contract at a known formula looks dull until the day
it looks like salvation.

## Who gains

Gulf exporters with expansions under construction are the obvious winners: long contracts are what
banks want to see before financing a new liquefaction train.

The risk sits with the buyers. If demand for gas peaks sooner than expected, today's security
becomes tomorrow's stranded commitment. Few of them seem to think that is the bigger risk.
""",
    ),
    _story(
        "opinion-listen-to-the-squares",
        "opinion",
        "samir-aoun",
        "protests, economy",
        66,
        "18:30",
        """
Listen to the squares before they stop talking

Protests over prices are a warning, and a warning is a kind of gift. Governments that ignore it
usually get something worse.

When crowds gathered over [the bread price rise](bread-prices-protests), the slogans were about
flour and fuel. They were specific and, in their way, reasonable: people asked for the cash support
they had been promised before prices rose.

That is what protest looks like while people still believe the state can hear them. The danger is
not the crowd in the square; it is the day the crowd stops coming because it has decided there is
no point.

## What listening would look like

* Publish the list of households registered for cash support, and a date for reaching the rest. |
Put subsidy changes before parliament, not in the gazette at midnight. | Meet the bakers, who know
better than any ministry what the next rise will do.

None of this is radical. All of it is cheaper than the alternative.
""",
    ),
    _story(
        "port-expansion-red-sea",
        "gulf-analysis",
        "leila-marouf tomas-reyland",
        "shipping, diplomacy",
        63,
        "10:50",
        """
A port expansion that is really about diplomacy

A Gulf operator's new berths on the Red Sea coast are sold as logistics. They are also a bet on
influence.

The announcement was about containers: two new berths, deeper channels and a logistics zone behind
the quay. The operator, backed by a Gulf sovereign fund, expects to double the port's traffic
within five years.

The location tells a wider story. Red Sea ports have become prizes for governments that want a say
in who ships what, and to whom. Each concession brings the host jobs and gives the investor a seat
at the table on a strategic waterway.

## The host's calculation

The host gets investment it could not raise alone, and a powerful partner with interests of its own
on its coast. Officials say the agreement protects sovereignty; critics note that the contract has
not been published.

Ports built for diplomacy still need ships to call. The real test is commercial: whether shipping
lines, not governments, choose to use it.
""",
        image=(
            "teal and sand",
            "New berths, old rivalries.",
        ),
    ),
    _story(
        "sanctions-waiver-renewed",
        "gulf-analysis",
        "leila-marouf",
        "sanctions, natural gas, diplomacy",
        59,
        "20:05",
        """
Waiver renewed for another 120 days, with conditions

The waiver that lets gas and electricity payments continue has been renewed. The conditions are
stricter and the timetable shorter.

The waiver lets a neighbouring state keep paying for imported gas and electricity despite sanctions
on the supplier. It has been renewed for 120 days; the previous renewal ran for six months.

The importer's officials lobbied hard, warning that without it the lights would go out across the
south at the peak of demand. The argument won again, with strings: payments go into a
restricted account usable only for humanitarian goods.

## A familiar pattern

This is the bargain described in our [column on sanctions](opinion-sanctions-blunt-tool): measures
meant to bite, bent so as not to bite the wrong people. Each renewal is a negotiation that adds a
little leverage.

* The importer has promised to rely less on the supplier, but new power plants are years away. |
Banks handling the payments want written guidance, not press statements. | The next deadline falls
in the middle of budget talks.
""",
    ),
    _story(
        "campaign-finance-rules",
        "elections",
        "hannah-okafor-byrne",
        "parliament, economy",
        56,
        "15:15",
        """
New campaign finance rules meet an old habit

For the first time, candidates must declare what they spend. The ceiling is generous and the
enforcement thin.

The commission's new rules require every list to open a dedicated bank account, declare donations
above a modest threshold and publish a spending report within sixty days of the vote. Reformers
fought for them for a decade.

Enforcement is the weak point. The commission has a handful of auditors for more than forty lists,
and its fines are small enough for a well-funded campaign to absorb. Spending by “supporters”
outside a campaign is not covered at all.

> “Rules that are not enforced teach people that rules are optional,” a former commissioner told
us.

Still, the reports will be public. Journalists, researchers and rival campaigns can set declared
spending against the billboards by the roads. Transparency does work that auditors cannot.
""",
    ),
    _story(
        "explainer-oil-benchmarks",
        "explainers",
        "tomas-reyland",
        "oil markets, shipping",
        52,
        "09:10",
        """
Explainer: what the oil benchmarks actually measure

When the news says “oil rose two dollars”, it means one grade, delivered to one place. Here is what
sits behind the number.

There is no single price of oil. Crude varies in density and sulphur, and is worth different
amounts in different places. The market prices a few benchmark grades, and most other crudes sell
at a premium or discount to one of them.

## The main benchmarks

* <strong>Brent</strong>, a basket of North Sea crudes, is the reference for much of the world's
seaborne oil. | <strong>WTI</strong> is priced at an inland storage hub in the United States. |
<strong>Dubai and Oman</strong> grades set the price for much Gulf crude sold to Asia.

The gaps between them carry information. A wider gap between Brent and the Gulf grades can signal a
shortage of heavier, sourer crude, for instance after [a producers' cut](opec-quota-quarrel), which
tends to fall on those grades first.

Freight matters too. A benchmark is a price at a place, and [dearer insurance and
shipping](tanker-insurance-premiums) change what a refiner pays on delivery. The <a
href="https://www.iea.org/">International Energy Agency</a> publishes monthly analysis of both.
""",
    ),
    _story(
        "currency-slide-remittances",
        "levant-daily",
        "samir-aoun",
        "economy, refugees",
        49,
        "12:40",
        """
As the currency slides, remittances become the real economy

Money sent home by relatives abroad now keeps many households afloat. It also keeps the banks out
of the picture.

The currency lost another tenth of its value against the dollar on the parallel market this month.
Salaries paid in local money buy less every week; dollars sent by relatives abroad buy more.

For many families those transfers are now the main income. Money-transfer offices have queues on
the days after payday in the Gulf and Europe, and almost none of the money passes through banks,
which lost people's trust when they froze deposits.

## Who is left out

Households with no relative abroad fall furthest behind: public employees, pensioners and refugees
who rely on aid. Agencies that pay in local currency have raised their transfers again and again,
stretching budgets already cut.

The central bank has promised a unified exchange rate. Until then the country runs two economies:
one in dollars, and one in everything else.
""",
    ),
    _story(
        "debate-night",
        "elections",
        "hannah-okafor-byrne",
        "parliament, polling",
        45,
        "23:05",
        """
Debate night: more policy than expected, less than promised

The first televised debate between list leaders brought sharp exchanges on electricity and jobs,
and a conspicuous empty chair.

Five list leaders took part in the two-hour debate; the leader of the largest alliance sent a
deputy, and the moderator made sure viewers noticed. On electricity every participant had a plan
and none had a price.

On jobs, the most concrete proposal came from an independent list: paid apprenticeships for
graduates in the public utilities. Rivals called it unaffordable; none offered a costing of their
own.

## Did it matter?

Debates rarely move many votes, and a minority watched this one. Its effect may be indirect: clips
spread widely the next day, and the empty chair became a running joke.

A snap poll by a university group found most viewers thought the independent leader did best. Read
it with [the usual caution](explainer-reading-a-poll): it was a small online panel.
""",
    ),
    _story(
        "electricity-plan-blackouts",
        "energy-watch",
        "tomas-reyland samir-aoun",
        "natural gas, economy, protests",
        42,
        "11:35",
        """
An electricity plan that arrives before the heat

The energy ministry has published a plan to cut blackouts before the hot months. It depends on gas
that has not yet been bought.

The plan aims for sixteen hours of state electricity a day by the peak months, up from ten. It
rests on three things: repairs to two ageing power stations, a floating power plant moored
offshore, and extra gas imports to run them.

The first two are paid for; the third is not. Officials say talks with two suppliers are advanced,
while the suppliers say less. Without the gas, the repaired stations would run at a fraction of
capacity.

## The household view

* Families pay twice: a state bill for a few hours, and a neighbourhood generator for the rest. |
Generator owners have raised fees as diesel prices rose. | Higher state tariffs will bring protests
unless supply visibly improves first.

A plan published months ahead is a good sign; previous governments announced theirs once the
heat had arrived. Whether it survives the peak is another matter.
""",
    ),
    _story(
        "opinion-in-praise-of-boring-diplomacy",
        "opinion",
        "leila-marouf",
        "diplomacy, ceasefire talks",
        38,
        "08:00",
        """
In praise of boring diplomacy

The talks that end wars are mostly tedious: maps, committees, lists of names. We should stop
expecting them to be anything else.

Coverage of negotiations swings between two moods, breakthrough and collapse. Real talks spend most
of their time in neither, grinding through procedure in rooms where nothing newsworthy happens for
days.

The [last round of ceasefire talks](ceasefire-talks-second-round) produced a map, and it was
reported as a disappointment. It was the most useful thing the delegations could agree: a shared
account of where things stand, without which nothing else can be built.

## Patience is a policy

Outside governments often demand quick results, then lose interest when none come. Mediators need
the opposite: funding that lasts years, teams that stay in place, and political cover when a round
ends without a headline.

> Peace processes rarely fail for being too slow. They fail when someone decides that slowness is
failure.

If the next round produces only a monitoring committee that meets every week, that will be boring.
It will also be progress.
""",
    ),
    _story(
        "prisoner-exchange-framework",
        "gulf-analysis",
        "leila-marouf",
        "ceasefire talks, diplomacy, refugees",
        35,
        "17:20",
        """
A framework for prisoner exchanges emerges from the talks

Negotiators have agreed how detainees would be released in stages. Names and numbers come next, and
that is where such deals often stall.

The framework, described by two people familiar with the talks, releases detainees in stages,
starting with the sick, the elderly and minors. A humanitarian organisation would verify identities
and accompany each transfer.

It does not say how many people each side holds, a figure both dispute. Families of the missing
have long complained that they cannot learn whether their relatives are detained, dead or simply
unaccounted for.

## Why stages

Staged releases let each side test the other's good faith at low cost. If the first exchange goes
smoothly, the second is easier to sell at home; if it fails, less is lost.

The framework also sets up something that could outlast the talks: a joint list, checked by a third
party, and a standing channel to update it. For families waiting for news, that alone would be a
change.
""",
    ),
    _story(
        "results-night-fragmented-parliament",
        "elections",
        "hannah-okafor-byrne",
        "parliament, polling",
        31,
        "23:55",
        """
Results night: a fragmented parliament and a kingmaker

No alliance has won a majority, and the independents who did well in the cities may decide who
governs.

Preliminary results give the largest alliance just under a third of the seats, fewer than last
time, with its main rival close behind. Between them sit a dozen small lists and a bloc of
independents larger than any party but the two leaders.

Many independents came out of the protest movements and won districts where, as [the candidate
lists suggested](candidate-lists-published), the big parties had moved ministers out. They owe
something to [debate night](debate-night), and more to anger over services.

## The arithmetic

* A government needs a majority of the chamber in a confidence vote. | Neither leading alliance can
reach it with its usual partners. | The independents will not join a government, but might support
one in return for commitments on electricity and jobs.

Turnout was higher than at the municipal elections, though still below half. Final results are due
within the week, after appeals.
""",
        image=(
            "violet and gold",
            "A chamber with no majority.",
        ),
    ),
    _story(
        "shipping-lanes-naval-patrols",
        "gulf-analysis",
        "tomas-reyland leila-marouf",
        "shipping, oil markets, diplomacy",
        27,
        "13:00",
        """
More patrols, fewer incidents: the shipping lanes this month

Naval patrols in the main shipping lanes have increased, and reported incidents have fallen.
Insurers are not yet convinced.

Reported incidents involving merchant ships in the Gulf's approaches fell this month, according to
the maritime security centre that logs them. Several navies have stepped up patrols and now escort
some vessels through the narrowest stretches.

Underwriters have been slower. [War-risk premiums that doubled](tanker-insurance-premiums) earlier
in the year have eased only slightly. Insurers want months of calm before cutting rates, and
remember earlier lulls that ended abruptly.

## Coordination, not command

The patrols have no single command. Each navy reports to its own capital, and coordination runs
through liaison officers and a shared reporting system: less efficient than a unified force, but
the only arrangement every government involved would accept.

For shipowners the advice is unchanged: report your position, keep to the recommended routes, and
expect to pay more for cover than a year ago.
""",
    ),
    _story(
        "coalition-talks-begin",
        "elections",
        "hannah-okafor-byrne leila-marouf",
        "parliament, economy",
        21,
        "18:45",
        """
Coalition talks begin with a fight over the finance ministry

Both large alliances want the finance portfolio. The independents want a written programme before
they back anyone.

Three weeks after [results night](results-night-fragmented-parliament), formal coalition talks have
begun. The first meetings were about procedure, but the real contest is plain: both leading
alliances have made the finance ministry a condition of any deal.

The portfolio matters because the next government must negotiate a support programme with
international lenders and decide how to phase out subsidies. Whoever holds finance will shape both.

## The independents' terms

The independent bloc has published what it wants in return for support in a confidence vote:

* A timetable for electricity supply, with monthly public reporting. | Cash support in place before
any further subsidy cuts. | A law on access to information within the first year.

No main party has rejected the list outright. That is itself a change from the last parliament,
where independents were too few to matter.
""",
    ),
    _story(
        "aid-corridor-ceasefire",
        "levant-daily",
        "samir-aoun",
        "ceasefire talks, refugees",
        14,
        "07:15",
        """
A humanitarian corridor tests the ceasefire talks

The first convoy passed through the agreed corridor without incident. Aid workers say the second
and third will be harder.

Twelve lorries of food, medicine and blankets crossed the front line on Tuesday through a
corridor agreed by both sides. Observers travelled with the convoy and reported no incidents. It
was the first such crossing in more than a year.

The corridor is the practical side of talks that have produced [a framework for prisoner
exchanges](prisoner-exchange-framework) and a map of the front lines, but no formal ceasefire. Both
sides agreed to it partly to show that the talks can deliver.

> “One convoy is a photograph. Ten convoys is a supply line,” said a logistics officer with one of
the agencies.

The next convoy, due next week, will carry fuel, which both sides treat as more sensitive than
food. Aid workers will judge the corridor by whether it still works when the cameras have gone.
""",
    ),
    _story(
        "output-cut-extended",
        "energy-watch",
        "tomas-reyland",
        "oil markets, economy, sanctions",
        8,
        "16:50",
        """
Output cut extended; the market shrugs

Producers agreed to extend their cut for another quarter. Prices barely moved, which says what
traders already expected.

The producers' group extended its output cut by three months at a brief online meeting, avoiding
the [quarrel over baselines](opec-quota-quarrel) that dragged out the last decision. The promised
capacity review has been postponed.

Prices moved by less than a dollar. The extension had been widely trailed, and traders are watching
demand: weak industrial data in Asia and full gas storage in Europe have kept consumption below
forecasts.

## Who is pumping more

Independent estimates from tanker loadings suggest several members are producing above quota. So
are producers outside the group, including some under sanctions whose barrels find buyers at a
discount. The spread between [the benchmark grades](explainer-oil-benchmarks) has narrowed as a
result.

The group's challenge is not agreeing on cuts. It is getting members to deliver them.
""",
    ),
    _story(
        "week-ahead-diplomacy",
        "gulf-analysis",
        "leila-marouf",
        "diplomacy, ceasefire talks, natural gas",
        3,
        "06:30",
        """
The week ahead: three meetings to watch

Ceasefire talks, a coalition deadline and a gas negotiation: three meetings this week could set the
tone for the season.

## Ceasefire talks, third round

The mediators have invited the delegations back. The agenda includes a monitoring committee and a
second convoy through [the humanitarian corridor](aid-corridor-ceasefire). Nobody expects a
ceasefire text, but a date for one would matter.

## The coalition deadline

The constitutional deadline for naming a prime minister falls on Thursday. [The fight over the
finance ministry](coalition-talks-begin) is unresolved, and the independents have not said whom
they will back.

## Gas at sea

Officials from both neighbours meet again over [the disputed maritime
boundary](gas-field-maritime-boundary), with the consortium's licence weeks from expiry. A joint
development zone is the option people close to the talks mention most.

We will report on each meeting as it happens.
""",
        image=(
            "maroon and coral",
            "Three meetings, one busy week.",
        ),
    ),
    _story(
        "draft-water-sharing-talks",
        "levant-daily",
        "samir-aoun",
        "diplomacy, economy",
        None,
        "",
        """
Water-sharing talks: what a deal could look like

Upstream and downstream neighbours are talking about the river again. A working draft.

After a dry year, officials from the upstream and downstream states have resumed technical talks
on sharing the river in drought years. Earlier agreements fixed volumes; engineers on both sides
now favour shares that follow the rainfall.

## Open questions

* Who measures the flow, and where? | What happens in a second dry year running? | Can farmers
downstream be paid to plant less?
""",
    ),
    _story(
        "budget-preview-subsidies",
        "energy-watch",
        "tomas-reyland",
        "economy, oil markets",
        -3,
        "07:30",
        """
Budget preview: subsidies, salaries and an oil price

The draft budget goes to parliament this week. Three numbers will decide whether it is credible.

The finance ministry's draft budget is due before parliament this week, and the new government will
be judged on it. Three figures matter more than the rest.

## The oil price assumption

The budget assumes an average oil price for the year. Set it too high and the deficit widens when
the price falls short; too low, and ministries go short while the money arrives anyway.

## The subsidy line

After [protests over the price of bread](bread-prices-protests), the government promised cash
support before any further subsidy cuts. The budget will show whether that promise is paid for.

## The wage bill

Public salaries are the largest item. Any new hiring, or a freeze, will show which coalition
partner won the argument.
""",
    ),
]

PAGES = [
    (
        "introduction",
        "An introduction to {site}",
        """
<p>{site} is a small newsroom covering the politics, diplomacy and economics of the Middle East.
We publish analysis rather than breaking news: what happened, why it matters, what to watch.</p>
<h2>What we cover</h2>
<p>Our sections follow what readers ask about most: Gulf diplomacy, daily reporting from the
Levant, energy markets, elections, plain-language explainers and signed opinion.</p>
<h2>How we work</h2>
<p>We say where our information comes from, correct mistakes openly and keep news and opinion
apart. Every article is open to comments, which are moderated to keep the discussion useful.</p>
<p><em>This is a development site: its articles, writers and quotations are invented.</em></p>
""",
    ),
    (
        "donate",
        "Donate",
        """
<p>{site} is free to read and carries no advertising. It is paid for by readers who think
independent analysis of the region is worth having.</p>
<p>A regular donation, however small, lets us plan ahead: commission writers in the region,
translate sources and keep the archive open to everyone.</p>
<h2>Where the money goes</h2>
<ul><li>Paying writers and editors fairly.</li><li>Hosting and security for the site and its
mailing list.</li><li>Translating documents and reports.</li></ul>
<p><em>This demo site takes no payments.</em></p>
""",
    ),
    (
        "about",
        "About",
        """
<p>{site} publishes news and analysis on the Middle East by a small team of editors and
correspondents, with contributions from writers across the region.</p>
<p>We are independent: no government, party or company owns us or approves what we publish.
Opinion pieces are labelled as such and speak for their writers.</p>
<h2>Contact</h2>
<p>To suggest a story, report an error or pitch an article, write to
<a href="mailto:editor@example.org">editor@example.org</a>.</p>
""",
    ),
]

# Featured-image colours, dark then light, named as the image description will say them.
_PALETTES = {
    "navy and amber": ((24, 42, 78), (214, 140, 60)),
    "deep blue and sea-green": ((12, 50, 92), (120, 196, 186)),
    "violet and gold": ((48, 24, 72), (222, 180, 80)),
    "teal and sand": ((20, 70, 66), (232, 210, 166)),
    "maroon and coral": ((78, 20, 38), (242, 146, 112)),
}


@transaction.atomic
def demo_content_load(*, password: str) -> DemoSummary:
    """Create whatever demo accounts and content are missing; leave existing rows as they are."""
    ensure_roles()  # normally done by migrate; the accounts below need the groups
    created = 0
    users = {}
    for username, first_name, last_name, group in [
        (EDITOR_USERNAME, "Leila", "Marouf", EDITORS),
        (AUTHOR_USERNAME, "Samir", "Aoun", AUTHORS),
    ]:
        users[username], new = _staff_user_ensure(
            username=username,
            first_name=first_name,
            last_name=last_name,
            group=group,
            password=password,
        )
        created += new

    sections = {}
    for position, (slug, name, description) in enumerate(SECTIONS, start=1):
        sections[slug], new = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": position * 10}
        )
        created += new

    authors = {}
    for person in PEOPLE:
        authors[person.slug], new = _author_ensure(person=person, user=users.get(person.user))
        created += new

    urls: dict[str, str] = {}
    today = timezone.localdate()
    for story in STORIES:
        article, new = _article_ensure(
            story=story,
            section=sections[story.section],
            authors=[authors[slug] for slug in story.authors],
            # The Author account may only preview articles it created: give it the draft.
            created_by=users[AUTHOR_USERNAME if story.days_ago is None else EDITOR_USERNAME],
            urls=urls,
            today=today,
        )
        urls[story.slug] = article.get_absolute_url()
        created += new

    site = escape(settings.SITE_NAME)
    for slug, title, body in PAGES:
        _, new = Page.objects.get_or_create(
            slug=slug,
            defaults={"title": title.format(site=site), "body": body.strip().format(site=site)},
        )
        created += new

    articles = Article.objects.filter(slug__in=[story.slug for story in STORIES])
    return DemoSummary(
        created=created,
        sections=Section.objects.filter(slug__in=sections).count(),
        authors=Author.objects.filter(slug__in=authors).count(),
        published=articles.published().count(),
        scheduled=articles.scheduled().count(),
        drafts=articles.drafts().count(),
        pages=Page.objects.filter(slug__in=[slug for slug, _, _ in PAGES]).count(),
        editor_username=EDITOR_USERNAME,
        author_username=AUTHOR_USERNAME,
    )


def _staff_user_ensure(*, username, first_name, last_name, group, password):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@example.org",
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": True,
        },
    )
    # Checked first so that a second run with the same password leaves the hash alone.
    if created or not user.check_password(password) or not user.is_staff:
        user.set_password(password)
        user.is_staff = True
        user.save()
    user.groups.add(Group.objects.get(name=group))
    return user, created


def _author_ensure(*, person: _Person, user) -> tuple[Author, bool]:
    if user is not None and Author.objects.filter(user=user).exists():
        user = None  # the account already writes as someone else
    author, created = Author.objects.get_or_create(
        slug=person.slug,
        defaults={
            "name": person.name,
            "position": person.position,
            "bio": person.bio,
            "user": user,
            # A callable, so the picture is drawn only when the row is created.
            "photo": lambda: _portrait(person),
        },
    )
    if not author.photo:
        author.photo = _portrait(person)
        author.save()
    return author, created


def _article_ensure(*, story: _Story, section, authors, created_by, urls, today):
    draft = story.days_ago is None
    defaults = {
        "title": story.title,
        "section": section,
        "standfirst": story.standfirst,
        "body": _body_html(story.blocks, urls=urls),
        "status": Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
        "published_at": None if draft else _local_datetime(today, story.days_ago, story.at),
        "created_by": created_by,
    }
    if story.image:
        palette, caption = story.image
        defaults |= {
            "image": lambda: _picture(story.slug, palette=palette),
            "image_alt": f"Abstract picture: pale circles and lines over a {palette} gradient.",
            "image_caption": caption,
            "image_credit": f"Illustration: {settings.SITE_NAME} demo",
        }
    article, created = Article.objects.get_or_create(slug=story.slug, defaults=defaults)
    if created:
        article.authors.set(authors)
        article.tags.set(list(story.tags))
        if article.is_published():
            # Back-issues: subscribers must not be mailed thirty old articles at once.
            article_mark_announced(article=article)
        else:
            publication_schedule(article=article)  # announces the scheduled one when it's due
    return article, created


def _local_datetime(today: date, days_ago: int, at: str) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    return timezone.make_aware(
        datetime.combine(today - timedelta(days=days_ago), time(hour, minute))
    )


def _body_html(blocks: tuple[str, ...], *, urls: dict[str, str]) -> str:
    html = []
    for block in blocks:
        if block.startswith("## "):
            html.append(f"<h2>{_inline(block[3:], urls)}</h2>")
        elif block.startswith("> "):
            html.append(f"<blockquote><p>{_inline(block[2:], urls)}</p></blockquote>")
        elif block.startswith("* "):
            items = "".join(f"<li>{_inline(item, urls)}</li>" for item in block[2:].split(" | "))
            html.append(f"<ul>{items}</ul>")
        else:
            html.append(f"<p>{_inline(block, urls)}</p>")
    return "\n".join(html)


def _inline(text: str, urls: dict[str, str]) -> str:
    """Turn [text](slug) into a link to that demo article, [text](https://…) to another site."""
    out, rest = [], text
    while "](" in rest:
        before, _, after = rest.partition("](")
        head, _, label = before.rpartition("[")
        target, _, rest = after.partition(")")
        # A KeyError here means a story links to one listed after it (or to a typo).
        href = target if target.startswith("https://") else urls[target]
        out.append(f'{head}<a href="{href}">{label}</a>')
    return "".join(out) + rest


def _portrait(person: _Person) -> ContentFile:
    """An 800px square: the author's initials, large, on a disc in their colour."""
    size = 800
    image = Image.new("RGB", (size, size), person.colour)
    draw = ImageDraw.Draw(image)
    lighter = tuple(min(255, channel + 45) for channel in person.colour)
    draw.ellipse((90, 90, size - 90, size - 90), fill=lighter)
    initials = "".join(word[0] for word in person.name.replace("-", " ").split()[:2]).upper()
    font = ImageFont.load_default(size=300)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    return ContentFile(_jpeg(image), name=f"{person.slug}.jpg")


def _picture(seed: str, *, palette: str) -> ContentFile:
    """A 1600×900 abstract illustration, the same every time for the same seed."""
    rng = random.Random(seed)
    size = (1600, 900)
    dark, light = _PALETTES[palette]
    # linear_gradient runs black to white top to bottom: light sky above, dark below.
    mask = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, dark), Image.new("RGB", size, light), mask)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(9):
        x, y, r = rng.randrange(1600), rng.randrange(900), rng.randrange(60, 320)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randrange(18, 60)))
    for _ in range(6):
        y = rng.randrange(300, 900)
        draw.line((0, y, 1600, y + rng.randrange(-120, 120)), fill=(255, 255, 255, 70), width=3)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return ContentFile(_jpeg(image), name=f"{seed}.jpg")


def _jpeg(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
