## A line of a country's recent history. Inserted: $title (a commitment's or milestone's title),
## $reason, $lead, $evidence (texts people wrote), $system, $stage, $from, $to, $kind (already
## named in the page's language), $due and $day (dates), $percent.

activity-engagement-opened = Начато взаимодействие, руководитель: { $lead }
activity-dpi-system-added = Добавлена система ЦОИ { $system }, стадия: { $stage }
activity-dpi-system-moved = Система ЦОИ { $system } переведена со стадии «{ $from }» на стадию «{ $to }»
activity-activity-recorded = Зарегистрировано мероприятие ({ $kind }): { $title }
activity-focal-point-assigned = Назначен координатор
activity-focal-point-removed = Снято назначение координатора
activity-engagement-status-changed = Статус взаимодействия изменён с «{ $from }» на «{ $to }»
activity-engagement-published = Запись опубликована
activity-engagement-unpublished = Публикация записи отменена
activity-commitment-created = Принято обязательство «{ $title }»
activity-commitment-revised = Обязательство «{ $title }» пересмотрено
activity-commitment-withdrawn = Обязательство «{ $title }» отозвано: { $reason }
activity-milestone-added = Добавлен этап «{ $title }», срок: { $due }
activity-milestone-started = Начат этап «{ $title }»
activity-progress-reported = Этап «{ $title }» выполнен на { $percent }
activity-milestone-blocked = Этап «{ $title }» заблокирован: { $reason }
activity-milestone-unblocked = Этап «{ $title }» разблокирован
activity-milestone-achieved = Сообщено о выполнении этапа «{ $title }»
activity-evidence-added = К этапу «{ $title }» добавлено подтверждение: { $evidence }
activity-evidence-file-attached = К этапу «{ $title }» приложен документ: { $evidence }
activity-milestone-verified = Этап «{ $title }» проверен
activity-verification-rejected = Этап «{ $title }» возвращён после проверки: { $reason }
activity-milestone-rescheduled = Срок этапа «{ $title }» перенесён на { $day }
activity-milestone-cancelled = Этап «{ $title }» отменён: { $reason }
