"""Text of lesson links (hide=) and the QR code, in the sidebar's share box: {key: (en, zh)}."""

STRINGS: dict[str, tuple[str, str]] = {
    "lesson_hidden_note": ("This lesson link hides {names}; they keep the link's values.",
                           "本课链接隐藏了{names}；它们保持链接中的取值。"),
    "lesson_hide": ("Hide in the lesson link", "在本课链接中隐藏"),
    "lesson_hide_help": ("Students who open the link do not see these groups or settings in the sidebar; "
                         "the link's values still apply. The address shows them as hide=…",
                         "打开链接的学生在侧边栏中看不到这些分组或设置；链接中的取值照常生效。链接里写作 hide=…"),
    "lesson_hide_group": ("{group} (whole group)", "{group}（整组）"),
    "lesson_hide_field": ("{label} ({name})", "{label}（{name}）"),
    "qr_button": ("Show QR code", "显示二维码"),
    "qr_title": ("Scan to open these settings", "扫码打开当前设置"),
    "qr_caption": ("The link in the code:", "二维码中的链接："),
}
