"""Turkish tax identification number (VKN): ten digits, the last a check digit."""


def is_valid_vkn(value: str) -> bool:
    if len(value) != 10 or not (value.isascii() and value.isdigit()):
        return False
    total = 0
    for i in range(9):
        step = (int(value[i]) + 9 - i) % 10
        weighted = (step * 2 ** (9 - i)) % 9
        if step != 0 and weighted == 0:
            weighted = 9
        total += weighted
    return (10 - total % 10) % 10 == int(value[9])
