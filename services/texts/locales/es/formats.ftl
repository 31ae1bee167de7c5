## How a percentage, a list and a sentence's end are written (numbers and dates come from
## CLDR through ICU4X). Placeables here are not isolated: they are the language's own digits.

# A percentage, as CLDR writes it in this language (the space is a no-break one where there is one).
percent = { $value } %
# Between the parts of a list.
list-separator = {", "}
# The end of a sentence.
full-stop = {"."}
# A file's size in kibibytes and mebibytes ($value is already written in the language's digits).
size-kb = { $value } KB
size-mb = { $value } MB
