"""First-order regions by name: GeoNames admin1 codes of the theatre's countries as people write them."""

from __future__ import annotations

__all__ = ["REGION_NAMES", "region_name"]

# GeoNames admin1 code -> the region's English name, for Ukraine and Russia.
REGION_NAMES: dict[tuple[str, str], str] = {
    **{("UA", code): name for code, name in {
        "01": "Cherkasy Oblast", "02": "Chernihiv Oblast", "03": "Chernivtsi Oblast", "04": "Dnipropetrovsk Oblast",
        "05": "Donetsk Oblast", "06": "Ivano-Frankivsk Oblast", "07": "Kharkiv Oblast", "08": "Kherson Oblast",
        "09": "Khmelnytskyi Oblast", "10": "Kirovohrad Oblast", "11": "Autonomous Republic of Crimea",
        "12": "Kyiv", "13": "Kyiv Oblast", "14": "Luhansk Oblast", "15": "Lviv Oblast", "16": "Mykolaiv Oblast",
        "17": "Odesa Oblast", "18": "Poltava Oblast", "19": "Rivne Oblast", "20": "Sevastopol", "21": "Sumy Oblast",
        "22": "Ternopil Oblast", "23": "Vinnytsia Oblast", "24": "Volyn Oblast", "25": "Zakarpattia Oblast",
        "26": "Zaporizhzhia Oblast", "27": "Zhytomyr Oblast",
    }.items()},
    **{("RU", code): name for code, name in {
        "01": "Adygea", "03": "Altai Republic", "04": "Altai Krai", "05": "Amur Oblast", "06": "Arkhangelsk Oblast",
        "07": "Astrakhan Oblast", "08": "Bashkortostan", "09": "Belgorod Oblast", "10": "Bryansk Oblast",
        "11": "Buryatia", "12": "Chechnya", "13": "Chelyabinsk Oblast", "15": "Chukotka", "16": "Chuvashia",
        "17": "Dagestan", "19": "Ingushetia", "20": "Irkutsk Oblast", "21": "Ivanovo Oblast",
        "22": "Kabardino-Balkaria", "23": "Kaliningrad Oblast", "24": "Kalmykia", "25": "Kaluga Oblast",
        "27": "Karachay-Cherkessia", "28": "Karelia", "29": "Kemerovo Oblast", "30": "Khabarovsk Krai",
        "31": "Khakassia", "32": "Khanty-Mansi Autonomous Okrug", "33": "Kirov Oblast", "34": "Komi Republic",
        "37": "Kostroma Oblast", "38": "Krasnodar Krai", "40": "Kurgan Oblast", "41": "Kursk Oblast",
        "42": "Leningrad Oblast", "43": "Lipetsk Oblast", "44": "Magadan Oblast", "45": "Mari El",
        "46": "Mordovia", "47": "Moscow Oblast", "48": "Moscow", "49": "Murmansk Oblast",
        "50": "Nenets Autonomous Okrug", "51": "Nizhny Novgorod Oblast", "52": "Novgorod Oblast",
        "53": "Novosibirsk Oblast", "54": "Omsk Oblast", "55": "Orenburg Oblast", "56": "Oryol Oblast",
        "57": "Penza Oblast", "59": "Primorsky Krai", "60": "Pskov Oblast", "61": "Rostov Oblast",
        "62": "Ryazan Oblast", "63": "Sakha (Yakutia)", "64": "Sakhalin Oblast", "65": "Samara Oblast",
        "66": "Saint Petersburg", "67": "Saratov Oblast", "68": "North Ossetia-Alania", "69": "Smolensk Oblast",
        "70": "Stavropol Krai", "71": "Sverdlovsk Oblast", "72": "Tambov Oblast", "73": "Tatarstan",
        "75": "Tomsk Oblast", "76": "Tula Oblast", "77": "Tver Oblast", "78": "Tyumen Oblast", "79": "Tuva",
        "80": "Udmurtia", "81": "Ulyanovsk Oblast", "83": "Vladimir Oblast", "84": "Volgograd Oblast",
        "85": "Vologda Oblast", "86": "Voronezh Oblast", "87": "Yamalo-Nenets Autonomous Okrug",
        "88": "Yaroslavl Oblast", "89": "Jewish Autonomous Oblast", "90": "Perm Krai", "91": "Krasnoyarsk Krai",
        "92": "Kamchatka Krai", "93": "Zabaykalsky Krai",
    }.items()},
}  # fmt: skip


def region_name(country: str, admin1: str) -> str:
    """Return the region's name ("Kharkiv Oblast"), or "admin1, country" when the table has no name for it."""
    name = REGION_NAMES.get((country, admin1))
    if name:
        return name
    return ", ".join(x for x in (admin1, country) if x)
