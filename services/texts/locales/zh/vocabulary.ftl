## The framework's vocabulary: principles, life-cycle stages, responsible authorities, risks,
## DPI system types. Ids are the catalogue's codes.

principle-F1 = 不造成伤害
principle-F2 = 不歧视
principle-F3 = 不排斥
principle-F4 = 加强透明度和问责
principle-F5 = 维护法治
principle-F6 = 促进自主权和能动性
principle-F7 = 鼓励社区参与
principle-F8 = 确保有效补救和救济
principle-F9 = 着眼未来可持续性
principle-O1 = 利用市场动态
principle-O2 = 依据证据不断演进
principle-O3 = 从设计入手确保数据隐私
principle-O4 = 从设计入手保障数据安全
principle-O5 = 确保数据在使用过程中得到保护
principle-O6 = 顾及性别、能力或年龄
principle-O7 = 实行包容性治理
principle-O8 = 保持财务可行性
principle-O9 = 建设和共享开放资产

stage-L1 = 构想和范围界定
stage-L2 = 战略和设计
stage-L3 = 开发
stage-L4 = 部署
stage-L5 = 运营和维护

authority-R1 = 政府
authority-R2 = 监管机构
authority-R3 = 捐助方
authority-R4 = 技术提供方
authority-R5 = 倡导者（民间社会）

risk-RS1 = 隐私易受侵害
risk-RS2 = 数字不安全
risk-RS3 = 人身不安全
risk-RS4 = 缺乏救济途径
risk-RI1 = 歧视
risk-RI2 = 获取不平等
risk-RI3 = 排斥
risk-RI4 = 权能被剥夺
risk-SV1 = 数字信任缺失
risk-SV2 = 法治薄弱
risk-SV3 = 机构薄弱
risk-SV4 = 技术缺陷
risk-SV5 = 不可持续

dpi-system-digital-id = 数字身份
dpi-system-payments = 支付
dpi-system-data-exchange = 数据交换
dpi-system-registries = 登记册
dpi-system-other = 其他
