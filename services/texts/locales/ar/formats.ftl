## How dates and decimals are written. Placeables here are not isolated: they are the
## language's own digits and month names.

month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر
date = { $day } { $month } { $year }
decimal-separator = {"."}
# A percentage, as CLDR writes it in this language (the space is a no-break one where there is one).
percent = { $value }%
# Between the parts of a list.
list-separator = {"، "}
# The end of a sentence.
full-stop = {"."}
