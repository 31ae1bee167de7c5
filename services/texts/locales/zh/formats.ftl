## How dates and decimals are written. Placeables here are not isolated: they are the
## language's own digits and month names.

month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月
date = { $year }年{ $month }{ $day }日
decimal-separator = {"."}
# A percentage, as CLDR writes it in this language (the space is a no-break one where there is one).
percent = { $value }%
# Between the parts of a list.
list-separator = {"，"}
# The end of a sentence.
full-stop = {"。"}
