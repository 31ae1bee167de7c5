## The pages an action link opens.

add-evidence = 添加证据链接
milestone = 里程碑
acting-as = 您发送的内容将以您的名义记录：
done = 已记录，谢谢
done-text = 该里程碑已更新。此链接已完成其用途，不会再记录任何内容。
broken = 此链接无效
broken-text = 请检查是否从邮件中完整复制了链接，或在跟踪系统中更新该里程碑。
expired = 此链接已过期
expired-text = 提醒邮件中的链接有效期为 14 天。下一封提醒邮件将附带新链接，您也可以在跟踪系统中更新该里程碑。
used = 此链接已被使用
used-text = 该链接只能使用一次，此次未记录任何内容。请在跟踪系统中打开该里程碑查看。
changed = 此邮件发出后，该里程碑已有更改
changed-text = 此后已有他人更新该里程碑，因此此链接不记录任何内容。请在跟踪系统中打开该里程碑，查看更改内容。
not-allowed = 此链接对您已不再有效
not-allowed-text = 该账户已被停用或已在所有设备上退出登录，或者已无权更新该国的里程碑。未记录任何内容。
open-milestone = 在跟踪系统中打开该里程碑
