## Why a value or a step is refused: one message per code of the domain's and the use cases'
## refusals (`reason!("code", …)` in the Rust code). A value in a field comes after the field's
## name ("Title: must not be empty"), so these start in lower case.

## Values of a field.
required = обязательное поле
empty = поле не может быть пустым
too-long = допускается не более { $max } символов
too-short = требуется не менее { $min } символов
not-one-line = значение должно быть одной строкой без управляющих символов
control-characters = содержит управляющие символы
not-a-percent = значение должно быть целым числом от 0 до 100
not-a-link = значение должно быть ссылкой http или https, например https://example.org/report.pdf
not-an-email = значение не является адресом электронной почты вида name@example.org
not-a-date = «{ $value }» не является датой вида 2026-03-31
not-a-week = «{ $value }» не является неделей вида 2026-W48
not-an-id = «{ $value }» не является допустимым идентификатором
not-a-country-code = «{ $value }» не является трёхбуквенным кодом страны (ISO 3166-1 alpha-3)
not-a-country = «{ $value }» не является страной согласно ISO 3166-1
not-a-process-ref = «{ $value }» не является ссылкой на процесс вида O3.7
not-a-process = { $process } не является процессом каталога рамочной основы { $catalogue }
unknown-code = «{ $value }» не входит в число допустимых значений: { $choices }
unknown-word = «{ $value }» не входит в число допустимых значений: { $choices }
out-range = значение вне допустимого диапазона
not-account-s-password = не совпадает с паролем учётной записи
too-many-items = допускается не более { $max } элементов

## Accounts.
account-disabled = учётная запись отключена
account-not-disabled = учётная запись не отключена
account-e-mail-address-already = учётная запись с этим адресом электронной почты уже существует
account-already-role-countries = у учётной записи уже есть эта роль и эти страны
account-act-countries-already = учётная запись уже может действовать в этих странах
admin-cannot-disable-account = администратор не может отключить собственную учётную запись
least-one-enabled-admin-must = должен остаться хотя бы один действующий администратор: сначала назначьте администратором другую учётную запись
role-may-not = роль «{ $role }» не позволяет это делать
not-your-country = координатор может действовать только в своих странах, а страна { $country } к ним не относится

## Engagements.
engagement-closed = взаимодействие закрыто
country-engagement-closed = взаимодействие со страной { $country } закрыто
engagement-already-open = взаимодействие со страной { $country } уже открыто
engagement-already-published = сведения уже опубликованы
engagement-not-published = сведения не опубликованы
engagement-status-not-allowed = статус взаимодействия не может измениться с «{ $from }» на «{ $to }»
dpi-system-already-tracked = система «{ $system }» уже отслеживается
dpi-system-already-at-stage = система «{ $system }» уже находится на стадии «{ $stage }»
dpi-system-twice = система «{ $system }» указана дважды
account-already-focal-point-engagement = эта учётная запись уже является координатором взаимодействия
enabled-focal-point-account-focal = координатором может быть только включённая учётная запись координатора

## Commitments and plans.
commitment-already-exists = обязательство уже существует
commitment-withdrawn = обязательство отозвано
commitment-needs-least-one-principle = обязательство должно относиться хотя бы к одному принципу
revision-changes-nothing-give-least = правка ничего не меняет: задайте новое значение хотя бы одному полю
choose-least-one-process-plan = выберите для плана хотя бы один процесс
plan-too-large = план может включать не более { $max } обязательств

## Milestones.
milestone-already-exists = этап уже существует
milestone-step-not-allowed = для этапа со статусом «{ $status }» это действие недоступно: { $step }
achievement-needs-least-one-piece = для сообщения о выполнении нужно хотя бы одно подтверждение: ссылка или приложенный документ
evidence-link-recorded-already = эта ссылка на подтверждение уже записана
achievement-must-verified-someone-other = выполнение должен проверить не тот сотрудник, который о нём сообщил
milestone-already-due-date = у этапа уже установлен этот срок
kept-changing = пока отправлялись данные, запись продолжала меняться: повторите попытку

## The spreadsheet's rows.
sheet-id-twice = этот идентификатор уже есть в строке { $first }: для каждого идентификатора — одна строка
sheet-no-such-milestone = у страны { $country } нет этапа с таким идентификатором: добавлять строки здесь нельзя
sheet-no-such-commitment = у страны { $country } нет обязательства с таким идентификатором: добавлять строки здесь нельзя
sheet-changed-since = строка изменена в системе отслеживания после вашего скачивания и оставлена без изменений: чтобы отредактировать её, скачайте файл снова
sheet-you-not-revise-commitments-country = вы не можете изменять обязательства этой страны
sheet-must-commitment-or-milestone = значение должно быть «commitment» или «milestone»
sheet-must-number-download-gave-row = значение должно совпадать с номером, присвоенным этой строке при скачивании
sheet-milestone-keeps-title-commitment-s = название этапа не меняется; здесь можно изменить только название обязательства
sheet-verification-done-tracker-someone-other = проверка выполняется в системе отслеживания, и проводит её не тот, кто сообщил о выполнении
sheet-give-evidence-link-title = укажите название ссылки на подтверждение
sheet-say-why-rescheduled = укажите, почему переносится срок: примечание служит обоснованием
sheet-say-why-blocked = укажите, почему этап заблокирован: примечание служит обоснованием
sheet-say-why-cancelled = укажите, почему этап отменён: примечание служит обоснованием
sheet-keeps-due-date = у этапа со статусом «{ $status }» срок не меняется
sheet-no-progress = для этапа со статусом «{ $status }» сообщения о ходе выполнения не принимаются
sheet-achievement-needs-new-evidence-link = для сообщения о выполнении нужны новая ссылка на подтверждение и её название
sheet-verified-milestone-does-not-change = проверенный этап здесь не изменяется
sheet-cancelled-milestone-does-not-change = отменённый этап здесь не изменяется
sheet-achievement-sent-back-verifier-tracker = сообщение о выполнении возвращает проверяющий — в системе отслеживания
sheet-status-not-allowed = статус не может измениться с «{ $from }» на «{ $to }»
sheet-milestone-takes-no-more-evidence = для этого этапа подтверждения больше не принимаются
commitment-row-revises-title-due = в строке обязательства можно изменить только его название и срок
milestone-row-does-not-revise = строка этапа не изменяет обязательство

## Subscriptions.
subscription-already-confirmed = подписка уже подтверждена
subscriber-unsubscribed = для этого адреса подписка отменена
already-unsubscribed = подписка уже отменена
confirmation-link-invalid-or-expired = ссылка для подтверждения недействительна или срок её действия истёк: подпишитесь снова
no-pending-subscription-confirm = нет подписки, ожидающей подтверждения

## The tracker's own work (reminders and the digest's deliveries); seldom shown to a person.
focal-point-reminded-milestone-week = этому координатору уже напоминали об этом этапе на этой неделе
reminder-not-recorded = это напоминание не записано
digest-already-composed = бюллетень за период { $period } уже составлен
digest-already-completed = бюллетень уже завершён
digest-already-delivered = бюллетень уже доставлен
delivery-given-up = доставка прекращена
another-worker-holds-delivery = эта доставка закреплена за другим процессом
next-attempt-not-due-yet = время следующей попытки ещё не наступило
delivery-already-settled = доставка уже завершена
delivery-not-held = эта доставка больше не закреплена за попыткой { $attempt }
range-positions-ends-before-starts = диапазон позиций заканчивается раньше, чем начинается

## The confirmation of an upload.
sheet-left-with-row = оставлено без изменений вместе с остальной частью строки
sheet-changed-meanwhile = изменено в системе отслеживания после вашего скачивания; оставлено без изменений
sheet-store-down = не записано: система отслеживания сейчас не может записывать данные; загрузите файл снова позже
sheet-refused = отклонено

## Signing in: second factors and the organisation's account.
second-factor-already = у учётной записи уже есть второй фактор
no-second-factor = у учётной записи нет второго фактора
wrong-code = это не текущий код
enrolment-expired = не относится к настройке второго фактора этой учётной записи; начните заново
organisation-linked-other = учётная запись привязана к другой учётной записи организации
organisation-not-linked = учётная запись не привязана к организации
organisation-sign-in-only = для этой учётной записи вход выполняется через учётную запись организации, а не по паролю
organisation-unverified = организация не подтвердила этот адрес электронной почты
organisation-no-account = для этого адреса нет приглашённой учётной записи
organisation-refused = ответ поставщика удостоверений не подтверждает, кто вошёл в систему

## Evidence documents.
not-a-sha256 = значение должно состоять из 64 шестнадцатеричных цифр в нижнем регистре
document-empty = файл пуст
document-type-not-accepted = файлы этого типа не принимаются; допустимые форматы: { $kinds }
document-markup = веб-страницы и другие файлы с разметкой не принимаются; сохраните страницу в формате PDF
document-unpacks-too-large = после распаковки документ занял бы намного больше места, чем сам файл, поэтому он не принимается
evidence-file-attached-already = этот документ уже приложен к этапу
document-macros = документы с макросами не принимаются; сохраните документ без макросов
upload-unreadable = загрузка была прервана или загруженные данные не удалось прочитать; ничего не сохранено
