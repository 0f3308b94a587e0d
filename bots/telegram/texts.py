"""What the bot says in its own words (answers and statuses are rendered in render.py); HTML, Vietnamese."""

from __future__ import annotations

WELCOME = (
    "Xin chào! Tôi là <b>Trợ lý đào tạo cán bộ</b>: tôi trả lời câu hỏi về quy định đào tạo, bồi dưỡng cán bộ, "
    "công chức, viên chức bằng chính lời văn của văn bản, kèm trích dẫn điều khoản.\n\n"
    "Hãy gõ câu hỏi, ví dụ: <i>Viên chức được đào tạo, bồi dưỡng theo những hình thức nào?</i>\n\n"
    "Gõ /help để xem các lệnh."
)
HELP = (
    "<b>Cách dùng</b>\n"
    "• Gõ câu hỏi bằng tiếng Việt (có dấu hoặc không dấu): tôi trả lời bằng nguyên văn quy định kèm trích dẫn.\n"
    "• /link <i>MÃ</i> — liên kết tài khoản Telegram với hồ sơ cán bộ của anh/chị (mã do bộ phận tổ chức cán bộ "
    "cấp, dùng một lần). Sau khi liên kết, câu trả lời kèm tình trạng đào tạo của anh/chị.\n"
    "• /status — các yêu cầu đào tạo, khóa học đã ghi danh và thời hạn của anh/chị.\n"
    "• /unlink — hủy liên kết.\n"
    "• /feedback <i>nội dung</i> — trả lời (reply) vào một câu trả lời để góp ý về nó.\n"
    "• /help — hướng dẫn này.\n\n"
    "Dưới mỗi câu trả lời: «Xem toàn văn điều khoản» để đọc cả điều được trích; 👍 / 👎 để góp ý."
)
COMMANDS = {
    "start": "Bắt đầu",
    "help": "Hướng dẫn sử dụng",
    "status": "Tình trạng đào tạo của tôi",
    "link": "Liên kết với hồ sơ cán bộ (kèm mã)",
    "unlink": "Hủy liên kết",
    "feedback": "Góp ý cho câu trả lời (trả lời vào câu trả lời đó)",
}
LINK_USAGE = "Vui lòng gửi kèm mã liên kết, ví dụ: <code>/link K7QX-M2PA-9RTB-4WZE</code>"
LINKED = "✅ Đã liên kết tài khoản Telegram với hồ sơ cán bộ <b>{name}</b>. Gõ /status để xem tình trạng đào tạo."
UNLINKED = "Đã hủy liên kết. Anh/chị vẫn có thể hỏi về quy định; câu trả lời sẽ không kèm tình trạng cá nhân."
NOTHING_TO_UNLINK = "Tài khoản Telegram này chưa liên kết với hồ sơ cán bộ nào nên không có gì để hủy."
FEEDBACK_USAGE = (
    "Để góp ý cho một câu trả lời: bấm «Trả lời» (reply) vào câu trả lời đó rồi gửi "
    "<code>/feedback nội dung góp ý</code>."
)
NOT_LINKED = (
    "Tài khoản Telegram này chưa liên kết với hồ sơ cán bộ. Vui lòng xin mã liên kết từ bộ phận tổ chức cán bộ "
    "rồi gửi <code>/link MÃ</code>."
)
PRIVATE_ONLY = "Vì đây là thông tin cá nhân, vui lòng dùng lệnh này trong tin nhắn riêng với bot."
TEXT_ONLY = "Hiện tôi chỉ đọc được câu hỏi dạng văn bản. Anh/chị vui lòng gõ câu hỏi."
TOO_LONG = "Câu hỏi quá dài (tối đa {limit} ký tự). Anh/chị vui lòng rút gọn câu hỏi."
RATE_LIMITED = "Anh/chị đang gửi câu hỏi hơi nhanh. Vui lòng đợi khoảng {seconds} giây rồi hỏi tiếp. Xin cảm ơn!"
ARTICLE_BUTTON = "📖 Xem toàn văn điều khoản"
ARTICLE_BUTTON_OF = "📖 Toàn văn {citation}"
HELPFUL, NOT_HELPFUL = "👍 Hữu ích", "👎 Chưa đúng"
THANKS = "Cảm ơn anh/chị đã góp ý."
BUTTON_EXPIRED = "Không tìm thấy câu trả lời của nút này; anh/chị vui lòng hỏi lại."
UNEXPECTED = "Xin lỗi, đã có lỗi ngoài dự kiến. Anh/chị vui lòng thử lại sau. (Mã sự cố: {incident})"
BAD_REQUEST = "Yêu cầu không hợp lệ. Anh/chị vui lòng kiểm tra lại nội dung đã gửi."
NOT_AUTHORISED = "Bot tạm thời không truy cập được hệ thống. Vui lòng báo quản trị viên. (Mã sự cố: {incident})"
