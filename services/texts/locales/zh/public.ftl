## The public pages and publishing.

publish = 公布记录
unpublish = 撤销公布记录
published-since = 公开记录始于
not-published = 该记录尚未公布。
public-title = 已公布的国家记录
public-intro = 选择公布记录的国家的承诺和里程碑。证据经核实后方予显示。
public-none = 尚无国家公布其记录。
data-as-of = 数据截至
dataset-version = 数据集版本
cite-as = 引用格式
download = 下载开放数据集（CSV 和 JSON 格式，附代码手册）
ledger-title = 可验证日志
ledger-intro = 每个事件均通过哈希值与前一个事件链接，服务器使用下方密钥对链的检查点进行签名。可使用以下命令检查导出文件：safeguards verify events.jsonl --key KEY
public-key = 公钥（Ed25519）
checkpoints = 最新检查点
col-index = 事件
col-hash = 链哈希值
col-signed = 签名时间
no-checkpoints = 尚未对任何检查点签名。
more-milestones = 个其他里程碑载于开放数据集
public-link = 公开记录
