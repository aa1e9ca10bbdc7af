"""Small, hand-written word lists the resolver relies on (English news usage).

Every list is deliberately short and conservative: it covers common news
phrasing, not every title in the world. Words are lower-case; abbreviations
are keyed without their final dot.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Honorifics: dropped from names, never kept as roles; some give a gender.
HONORIFICS = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "mx": None, "dr": None}
HONORIFICS |= {"sir": "m", "dame": "f", "madam": "f", "madame": "f", "mme": "f", "lord": "m"}

#: Title abbreviations, expanded before roles are compared ("Sen." = "senator").
ABBREVIATIONS = {
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "adm": "admiral",
    "amb": "ambassador",
    "atty": "attorney",
    "pres": "president",
    "sec": "secretary",
    "prof": "professor",
    "capt": "captain",
    "cmdr": "commander",
    "supt": "superintendent",
    "sens": "senators",
    "reps": "representatives",
    "insp": "inspector",
    "adv": "advocate",
}

#: Words that make a pre-modifier a person's title ("Kremlin spokesman", "Foreign Minister").
ROLE_WORDS = _words(
    """
    president vice minister premier chancellor secretary undersecretary spokesman spokeswoman
    spokesperson senator representative congressman congresswoman lawmaker legislator governor
    mayor ambassador envoy diplomat general admiral colonel lieutenant sergeant major captain
    commander chief head director chairman chairwoman chairperson chair ceo cfo executive founder
    leader official adviser advisor aide analyst economist professor researcher scientist expert
    judge justice attorney prosecutor lawyer counsel sheriff commissioner councillor councilor
    councilman councilwoman mp deputy speaker king queen prince princess pope cardinal bishop
    archbishop rabbi imam cleric coach manager economist strategist pollster activist candidate
    nominee correspondent editor reporter columnist inspector superintendent treasurer
    comptroller administrator negotiator mediator monarch emir sultan sheikh ayatollah officer
    owner partner dean provost rector doctor physician epidemiologist virologist assemblyman
    assemblywoman emperor coordinator ombudsman consul delegate host senators representatives
    advocate
    """
)

#: Words that mark a gender in a role or honorific.
MALE_WORDS = _words(
    """
    spokesman chairman congressman assemblyman councilman businessman king prince emperor duke
    sultan emir father son brother husband boyfriend actor grandfather uncle nephew man boy
    policeman fireman anchorman cameraman headmaster
    """
)
FEMALE_WORDS = _words(
    """
    spokeswoman chairwoman congresswoman assemblywoman councilwoman businesswoman queen princess
    empress duchess mother daughter sister wife girlfriend actress grandmother aunt niece woman
    girl policewoman anchorwoman headmistress lady
    """
)

#: Common first names by gender; only names rarely given to the other gender.
MALE_NAMES = _words(
    """
    james john robert michael william david richard joseph joe thomas charles christopher daniel
    matthew anthony antony tony mark donald steven stephen paul andrew joshua kenneth kevin brian
    george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan larry justin
    scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler
    aaron jose adam henry nathan douglas peter kyle walter ethan jeremy harold keith roger noah
    gerald carl sean arthur lawrence jesse bryan bruce albert gabriel alan juan wayne roy ralph
    eugene vincent russell louis philip mike bill barack hunter chuck mitch ted bernie rishi boris
    emmanuel olaf vladimir dmitri dmitry sergei sergey volodymyr vitali viktor alexei alexey
    mikhail yevgeny nikolai ivan igor oleksandr andriy recep yair naftali mohammed muhammad ahmed
    ali hassan hussein omar abdullah mahmoud khalid ibrahim narendra rahul imran shinzo fumio
    pedro luis carlos jair luiz javier francois pierre jacques nicolas friedrich karl hans
    wolfgang giorgio matteo mario silvio giuseppe antonio lars jens jonas keir jeremy liam ron
    kevin marco rick pete josh chris tom jim bob dan nick ben sam matt greg steve jake
    harry fred howard glenn earl leon martin luke ian neil stuart simon colin graham gordon
    derek craig todd travis troy shawn marcus chad brett victor oscar hugo felix oliver owen
    dylan caleb evan logan mitt newt jeb jared hugh kurt dwight herbert franklin bobby billy
    johnny tommy antonin
    """
)
FEMALE_NAMES = _words(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
    margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
    nicole emma samantha katherine catherine christine debra rachel carolyn janet maria heather
    diane julie joyce victoria kelly christina lauren joan evelyn olivia judith megan cheryl
    martha andrea frances hannah jacqueline ann gloria teresa kathryn sara janice julia marie
    grace judy theresa beverly denise marilyn amber danielle rose diana abigail natalie jane lori
    hillary kamala nikki elise ursula annalena giorgia marine liz jacinda sanna mette kaja yulia
    olena irina tatiana natalia svetlana elena ekaterina valentina lyudmila oksana iryna yelena
    fatima aisha leila mariam indira benazir golda kristalina ngozi alexandria ilhan rashida
    ketanji sonia kristi gretchen kathy kate sophie claire jill melania michelle laura
    melanie heidi tiffany crystal vanessa erin erica monica brittany kayla alicia tammy tina
    wendy holly kristen kristin courtney allison sheila paula connie ellen carrie valerie
    veronica yvonne tracy stacy chelsea caroline claudia nina lucy alice eleanor ruth esther
    sylvia irene ivanka
    """
)

#: Short forms of first names that are not prefixes of the long form ("Joe" = "Joseph");
#: prefixes ("Chris" = "Christopher") need no entry.
NICKNAMES = {
    "joe": "joseph",
    "bill": "william",
    "will": "william",
    "bob": "robert",
    "bobby": "robert",
    "rob": "robert",
    "billy": "william",
    "johnny": "john",
    "tommy": "thomas",
    "mike": "michael",
    "tony": "anthony",
    "tom": "thomas",
    "jim": "james",
    "jimmy": "james",
    "dick": "richard",
    "chuck": "charles",
    "ted": "edward",
    "peggy": "margaret",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "kate": "katherine",
    "katie": "katherine",
    "dmitry": "dmitri",
    "sergey": "sergei",
    "alexey": "alexei",
}

#: Words between a surname and the name before it ("Ursula von der Leyen").
NAME_PARTICLES = _words("von van der den de da di du la le al el bin ibn ben abu dos das")
#: Particles that also open the names of newspapers and channels ("Le Monde", "Al Jazeera"):
#: capitalised, they are not taken for part of a person's name.
PRESS_ARTICLES = _words("la le el al")
#: Words after a surname that are not the surname ("Joseph R. Biden Jr.").
NAME_SUFFIXES = _words("jr jr. sr sr. ii iii iv")

#: Determiners that make a description indefinite, hence generic ("a senior official").
INDEFINITE = _words("a an another one some several many few any other certain no each every")

#: News descriptions of a person and the roles they stand for ("the top diplomat" =
#: "Secretary of State"). Matching is against normalised roles (abbreviations expanded).
_SPOKES = ("spokesman", "spokeswoman", "spokesperson", "press secretary", "spokes")
_LAWMAKER = (
    "senator",
    "representative",
    "congressman",
    "congresswoman",
    "mp",
    "member of parliament",
    "legislator",
    "lawmaker",
    "assemblyman",
    "assemblywoman",
)
_FOREIGN_MINISTER = (
    "secretary of state",
    "foreign minister",
    "foreign secretary",
    "minister of foreign affairs",
    "minister for foreign affairs",
)
_LEADER = ("president", "prime minister", "premier", "chancellor", "king", "queen")
#: Keys are a head noun, or a modifier and the head ("top diplomat"), tried first.
DESCRIPTION_ALIASES: dict[str, tuple[str, ...]] = {
    "top diplomat": _FOREIGN_MINISTER,
    "chief diplomat": _FOREIGN_MINISTER,
    "diplomat": _FOREIGN_MINISTER + ("ambassador", "envoy"),
    "envoy": ("ambassador", "special representative"),
    "spokesman": _SPOKES,
    "spokeswoman": _SPOKES,
    "spokesperson": _SPOKES,
    "lawmaker": _LAWMAKER,
    "legislator": _LAWMAKER,
    "congressman": ("representative",),
    "congresswoman": ("representative",),
    "leader": _LEADER + ("chief", "head", "chairman", "chairwoman"),
    "chief": ("leader", "head", "chairman", "chairwoman", "director"),
    "head": ("leader", "chief", "chairman", "chairwoman", "director"),
    "premier": ("prime minister",),
    "executive": ("ceo", "chief executive", "cfo", "chief operating officer"),
    "ceo": ("chief executive",),
    "boss": ("ceo", "chief executive", "chairman", "chairwoman", "head", "director"),
    "official": ("minister", "secretary", "undersecretary", "director", "commissioner")
    + ("administrator",)
    + _SPOKES,
    "commander": ("general", "admiral", "colonel"),
    "prosecutor": ("attorney general", "district attorney", "attorney"),
    "monarch": ("king", "queen", "emperor", "sultan", "emir"),
    "pontiff": ("pope",),
    "chair": ("chairman", "chairwoman", "chairperson"),
    "chairman": ("chair",),
    "chairwoman": ("chair",),
}

_MEDIA = (
    "times post journal herald gazette tribune telegraph guardian observer chronicle independent "
    "mail express examiner inquirer globe star sun mirror daily news review economist bulletin "
    "courier record register standard monde figaro zeitung spiegel pravda izvestia kommersant"
)
_BROADCAST = "bbc cnn nbc abc cbs fox msnbc npr pbs itv sky rt television tv radio broadcasting"
_WIRE = "agency reuters afp ap tass ria xinhua interfax bloomberg kyodo yonhap ansa efe dpa"
_COMPANY = "inc corp corporation co company ltd llc plc group holdings ag sa gmbh"
_LEGISLATURE = "parliament congress senate house duma bundestag knesset assembly"

#: Descriptions of an organisation and words its name (or role) contains when it fits.
ORG_HEADS: dict[str, frozenset[str]] = {
    "newspaper": _words(_MEDIA),
    "paper": _words(_MEDIA),
    "daily": _words(_MEDIA),
    "tabloid": _words(_MEDIA),
    "publication": _words(_MEDIA + " magazine"),
    "magazine": _words("magazine economist newsweek atlantic spiegel"),
    "outlet": _words(_MEDIA + " " + _BROADCAST + " " + _WIRE),
    "agency": _words(_WIRE),
    "broadcaster": _words(_BROADCAST + " channel network"),
    "network": _words(_BROADCAST + " network"),
    "channel": _words(_BROADCAST + " channel"),
    "company": _words(_COMPANY),
    "firm": _words(_COMPANY + " partners llp"),
    "carmaker": _words(_COMPANY + " motors motor automotive"),
    "automaker": _words(_COMPANY + " motors motor automotive"),
    "bank": _words("bank"),
    "institute": _words("institute institution"),
    "bureau": _words("bureau"),
    "center": _words("center centre"),
    "centre": _words("center centre"),
    "authority": _words("authority"),
    "association": _words("association"),
    "federation": _words("federation"),
    "airline": _words("airline airlines airways"),
    "lender": _words("bank"),
    "ministry": _words("ministry"),
    "department": _words("department"),
    "party": _words("party"),
    "court": _words("court"),
    "council": _words("council"),
    "committee": _words("committee"),
    "commission": _words("commission"),
    "university": _words("university college institute"),
    "union": _words("union"),
    "group": _words("group"),
    "organisation": _words("organisation organization"),
    "organization": _words("organisation organization"),
    "charity": _words("foundation fund trust charity"),
    "foundation": _words("foundation"),
    "campaign": _words("campaign"),
    "office": _words("office"),
    "government": _words("government cabinet administration"),
    "administration": _words("administration"),
    "military": _words("army military forces pentagon idf"),
    "army": _words("army forces military idf"),
    "police": _words("police"),
    "parliament": _words(_LEGISLATURE),
    "legislature": _words(_LEGISLATURE),
    "regulator": _words("commission authority agency fda sec ftc fcc ofcom"),
    "watchdog": _words("commission authority agency"),
    "club": _words("club fc"),
    "team": _words("team fc"),
}

#: Words that make one office of several with the same head ("interior minister" is no
#: "prime minister"): a description with one fits only an entity whose roles have it.
ROLE_QUALIFIERS = _words(
    "prime foreign interior home finance defence defense health justice education "
    "deputy vice assistant associate former acting chief general attorney"
)

#: Last words of a state body that every country has, so that the country belongs to its
#: name ("Russia's Defense Ministry" is not "Ukraine's Defense Ministry").
STATE_BODIES = _words(
    "ministry department office government cabinet army military forces navy police "
    "parliament court council committee commission agency embassy service"
)

#: Words that mark an organisation's name (an ORG the NER tagged is not a person's name).
ORG_NAME_WORDS = frozenset().union(*ORG_HEADS.values()) | _words(
    "ministry department office association federation institute centre center university "
    "council committee party agency bank news times post"
)

#: Singular nouns for a group of people: unresolved, they still name a GROUP speaker.
COLLECTIVE = frozenset(ORG_HEADS) | _words(
    "navy coalition opposition family crowd panel board jury staff public community majority "
    "minority alliance delegation"
)

#: Places and the words that point at them, to tell "the Kremlin spokesman" from
#: "the State Department spokesman". Keys are arbitrary; values are lower-case,
#: without dots ("u.s." is written "us").
PLACE_WORDS: dict[str, tuple[str, ...]] = {
    "us": ("us", "usa", "united states", "america", "american", "washington", "white house"),
    "uk": ("uk", "britain", "great britain", "united kingdom", "british", "london", "downing"),
    "russia": ("russia", "russian", "kremlin", "moscow"),
    "ukraine": ("ukraine", "ukrainian", "kyiv", "kiev"),
    "china": ("china", "chinese", "beijing"),
    "france": ("france", "french", "paris", "elysee"),
    "germany": ("germany", "german", "berlin"),
    "israel": ("israel", "israeli"),
    "iran": ("iran", "iranian", "tehran"),
    "eu": ("eu", "european union", "brussels"),
    "japan": ("japan", "japanese", "tokyo"),
    "india": ("india", "indian", "new delhi"),
    "turkey": ("turkey", "turkish", "turkiye", "ankara"),
    "syria": ("syria", "syrian", "damascus"),
    "canada": ("canada", "canadian", "ottawa"),
    "nato": ("nato",),
    "un": ("un", "united nations"),
    # Parties count as places here: they tell "the Democratic senator" from a Republican one.
    "democrats": ("democratic", "democrat", "democrats", "d"),
    "republicans": ("republican", "republicans", "gop", "r"),
    # So are the two sides of a parliament: "the opposition leader" is not the president.
    "opposition": ("opposition",),
    "government": ("incumbent", "ruling"),
}
PLACE_KEYS = {alias: key for key, aliases in PLACE_WORDS.items() for alias in aliases}

#: Variants of one country's name, merged into one GPE entity ("U.S." = "United States").
COUNTRY_VARIANTS = {
    "us": "us",
    "usa": "us",
    "united states": "us",
    "united states of america": "us",
    "america": "us",
    "uk": "uk",
    "britain": "uk",
    "great britain": "uk",
    "united kingdom": "uk",
    "eu": "eu",
    "european union": "eu",
    "un": "un",
    "united nations": "un",
}
