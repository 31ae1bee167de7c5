## How dates and decimals are written. Placeables here are not isolated: they are the
## language's own digits and month names.

month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
date = { $day } de { $month } de { $year }
decimal-separator = {","}
# A percentage, as CLDR writes it in this language (the space is a no-break one where there is one).
percent = { $value } %
# Between the parts of a list.
list-separator = {", "}
# The end of a sentence.
full-stop = {"."}
