## How dates and decimals are written. Placeables here are not isolated: they are the
## language's own digits and month names.

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
date = { $day } { $month } { $year }
decimal-separator = {","}
# A percentage, as CLDR writes it in this language (the space is a no-break one where there is one).
percent = { $value } %
# Between the parts of a list.
list-separator = {", "}
# The end of a sentence.
full-stop = {"."}
