## How dates and decimals are written. Placeables here are not isolated: they are the
## language's own digits and month names.

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date = { $day } { $month } { $year }
decimal-separator = {"."}
# A percentage, as CLDR writes it in this language (the space is a no-break one where there is one).
percent = { $value }%
# Between the parts of a list.
list-separator = {", "}
# The end of a sentence.
full-stop = {"."}
