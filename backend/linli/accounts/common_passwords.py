"""The most common passwords of eight or more characters (from public breach-frequency lists,
including those common in China), compared case-insensitively. Short on purpose: it stops
the guesses an attacker tries first, not every weak password."""

COMMON_PASSWORDS = frozenset(
    """
    12345678 123456789 1234567890 12345678910 0123456789 87654321 987654321 11111111
    00000000 88888888 66666666 99999999 22222222 55555555 12341234 11223344 12344321
    123123123 147258369 123456123 1234qwer qwer1234 1qaz2wsx 1q2w3e4r 1q2w3e4r5t
    qwertyui qwertyuiop qwerty123 qwerty12 asdfghjk asdfghjkl zxcvbnm1 zxcvbnm123
    password password1 password12 password123 passw0rd p@ssw0rd p@ssword pa55word
    iloveyou iloveyou1 woaini1314 woaini520 woaini123 aini1314 5201314520 13145201314
    abc12345 abcd1234 a1234567 a12345678 aa123456 aa12345678 abc123456 qq123456
    a123456789 admin123 admin1234 administrator root1234 welcome1 welcome123 letmein1
    sunshine princess football baseball superman trustno1 michael1 jennifer 1234abcd
    12qwaszx q1w2e3r4 q1w2e3r4t5 zaq12wsx !qaz2wsx 1qazxsw2 3edc4rfv 123qweasd
    qweasdzxc qazwsxedc 123abc123 woshishui wangyang123 zhang123 asd123456 qwe123456
    changeme changeme1 default1 password! 123456789a 12345678a 1234567a computer
    internet monkey123 dragon123 master123 shadow123 starwars 11112222 12121212
    """.split()  # noqa: SIM905 - a word list reads best as words
)


def is_common_password(password: str) -> bool:
    return password.strip().lower() in COMMON_PASSWORDS
