## How dates and decimals are written. Placeables here are not isolated: they are the
## language's own digits and month names.

month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
date = { $day } { $month } { $year }
decimal-separator = {","}
# A percentage, as CLDR writes it in this language (the space is a no-break one where there is one).
percent = { $value } %
# Between the parts of a list.
list-separator = {", "}
# The end of a sentence.
full-stop = {"."}
