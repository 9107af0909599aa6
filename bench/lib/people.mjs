/**
 * Realistic random contacts for a broadcast / film / TV CRM: Chinese and Latin-script names,
 * e-mail addresses, Chinese and international phone numbers in the formats people type,
 * Chinese resident ID numbers (with a valid check digit, matching the birth date) and passports,
 * birth dates and postal addresses. Every contact has all six personal fields of the catalogue.
 */

/** 'a|b|c' → ['a', 'b', 'c'];  'char:pinyin char:pinyin' → [[char, pinyin], ...] */
const list = (text) => text.split('|');
const pairs = (text) => text.split(' ').map((pair) => pair.split(':'));

// [surname, pinyin]; a few compound surnames.
const CN_SURNAMES = pairs(
  '王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu 孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng ' +
    '梁:liang 谢:xie 宋:song 唐:tang 许:xu 韩:han 冯:feng 邓:deng 曹:cao 彭:peng 曾:zeng 肖:xiao 田:tian 董:dong 袁:yuan 潘:pan 于:yu 蒋:jiang 蔡:cai 余:yu ' +
    '杜:du 叶:ye 程:cheng 苏:su 魏:wei 吕:lv 丁:ding 任:ren 沈:shen 姚:yao 卢:lu 姜:jiang 崔:cui 钟:zhong 谭:tan 陆:lu 汪:wang 范:fan 金:jin 石:shi 廖:liao ' +
    '贾:jia 夏:xia 欧阳:ouyang 司马:sima 上官:shangguan 诸葛:zhuge',
);
const CN_GIVEN = pairs(
  '伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan 杰:jie 娟:juan 涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping ' +
    '刚:gang 桂:gui 英:ying 华:hua 建:jian 国:guo 文:wen 辉:hui 玲:ling 鹏:peng 婷:ting 雪:xue 晨:chen 宇:yu 浩:hao 欣:xin 怡:yi 佳:jia 子:zi 涵:han 梓:zi ' +
    '轩:xuan 博:bo 思:si 雨:yu 琪:qi 嘉:jia 晓:xiao',
);
const CN_MAIL_DOMAINS = list('qq.com|163.com|126.com|sina.com|foxmail.com|cctv.com|smg.cn|mgtv.com|iqiyi.com|huace.com|bonafilm.cn|hunantv.com');
const CN_PLACES = [
  // [province/city, district, area code of the resident ID]
  ['北京市', '朝阳区', '110105'],
  ['北京市', '海淀区', '110108'],
  ['北京市', '东城区', '110101'],
  ['上海市', '浦东新区', '310115'],
  ['上海市', '徐汇区', '310104'],
  ['广东省广州市', '天河区', '440106'],
  ['广东省深圳市', '南山区', '440305'],
  ['浙江省杭州市', '西湖区', '330106'],
  ['四川省成都市', '武侯区', '510107'],
  ['湖北省武汉市', '武昌区', '420106'],
  ['江苏省南京市', '玄武区', '320102'],
  ['陕西省西安市', '雁塔区', '610113'],
  ['重庆市', '渝中区', '500103'],
  ['湖南省长沙市', '开福区', '430105'],
  ['天津市', '和平区', '120101'],
];
const CN_STREETS = list('建国路|人民路|中山路|解放路|长安街|南京西路|淮海中路|天府大道|深南大道|文三路|光华路|东三环中路|珠江新城华夏路|中关村大街');
const CN_MOBILE_PREFIXES = list('130|131|132|133|135|136|137|138|139|150|151|152|155|158|159|166|176|177|180|181|186|187|188|189|199');

const FIRST_NAMES = list(
  'Alice|James|Olivia|William|Emma|Oliver|Sophie|Thomas|Charlotte|Henry|Amelia|George|Isabella|Lucas|Mia|Noah|Chloé|Louis|' +
    'Léa|Hugo|Manon|Jules|Lena|Maximilian|Hannah|Felix|Lukas|Marie|Sofía|Mateo|Lucía|Alejandro|Giulia|Lorenzo|Francesca|' +
    'Matteo|Daan|Sanne|Ingrid|Lars|Siobhán|Seán|Zoë|Kenji|Yuki|Priya|Arjun|Fatima|Omar|David|Sarah|Michael|Jennifer|Robert|' +
    'Laura|Daniel|Rachel',
);
const LAST_NAMES = list(
  'Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|Walker|Martin|Bernard|Dubois|' +
    'Durand|Lefèvre|Moreau|Müller|Schmidt|Schneider|Fischer|Weber|Meyer|García|Fernández|López|Martínez|Rossi|Russo|Ferrari|' +
    "Esposito|de Vries|van Dijk|Jansen|Andersson|Johansson|O'Brien|Murphy|Kelly|Nakamura|Tanaka|Patel|Sharma|Khan|Cohen|" +
    'Miller|Anderson|Clark|Lewis|Scott',
);
const LATIN_MAIL_DOMAINS = list(
  'gmail.com|outlook.com|yahoo.co.uk|icloud.com|bbc.co.uk|itv.com|canalplus.fr|zdf.de|rai.it|rtve.es|nbcuni.com|wbd.com|' +
    'netflix.com|fremantle.com|banijay.com|endemolshine.nl',
);
// [city, country, phone maker, street names, postcode maker]
const LATIN_PLACES = [
  [
    'London',
    'United Kingdom',
    (r) => `+44 20 ${r.digits(4)} ${r.digits(4)}`,
    ['Baker Street', 'Wood Lane', "Gray's Inn Road", 'Charlotte Street'],
    (r) => `W${r.between(1, 14)} ${r.between(1, 9)}${r.letters(2)}`,
  ],
  [
    'Paris',
    'France',
    (r) => `+33 1 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    ['rue de Rivoli', 'avenue Montaigne', 'boulevard Haussmann', 'rue du Faubourg Saint-Honoré'],
    (r) => `750${r.between(10, 20)}`,
  ],
  [
    'Berlin',
    'Germany',
    (r) => `+49 30 ${r.digits(7)}`,
    ['Friedrichstraße', 'Unter den Linden', 'Kurfürstendamm', 'Potsdamer Platz'],
    (r) => `10${r.digits(3)}`,
  ],
  [
    'Los Angeles',
    'USA',
    (r) => `+1 (${r.pick(['213', '310', '323', '818'])}) ${r.between(200, 999)}-${r.digits(4)}`,
    ['Sunset Boulevard', 'Melrose Avenue', 'Wilshire Boulevard', 'Hollywood Boulevard'],
    (r) => `900${r.digits(2)}`,
  ],
  [
    'New York',
    'USA',
    (r) => `+1 (212) ${r.between(200, 999)}-${r.digits(4)}`,
    ['Broadway', '6th Avenue', 'West 57th Street', 'Madison Avenue'],
    (r) => `100${r.digits(2)}`,
  ],
  [
    'Toronto',
    'Canada',
    (r) => `+1 416-${r.between(200, 999)}-${r.digits(4)}`,
    ['King Street West', 'Queen Street East', 'Front Street'],
    (r) => `M5V ${r.between(1, 9)}${r.letters(1)}${r.between(1, 9)}`,
  ],
  [
    'Madrid',
    'Spain',
    (r) => `+34 91 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    ['Calle de Alcalá', 'Gran Vía', 'Paseo de la Castellana'],
    (r) => `280${r.digits(2)}`,
  ],
  ['Milano', 'Italy', (r) => `+39 02 ${r.digits(4)} ${r.digits(4)}`, ['Via Montenapoleone', 'Corso Buenos Aires', 'Via Tortona'], (r) => `201${r.digits(2)}`],
  [
    'Amsterdam',
    'Netherlands',
    (r) => `+31 20 ${r.digits(3)} ${r.digits(4)}`,
    ['Keizersgracht', 'Herengracht', 'Damrak'],
    (r) => `10${r.digits(2)} ${r.letters(2)}`,
  ],
  [
    'Hong Kong',
    'China',
    (r) => `+852 ${r.pick(['5', '6', '9'])}${r.digits(3)} ${r.digits(4)}`,
    ["Queen's Road Central", 'Nathan Road', 'Hennessy Road'],
    () => '',
  ],
  ['Sydney', 'Australia', (r) => `+61 2 ${r.digits(4)} ${r.digits(4)}`, ['George Street', 'Pitt Street', 'Oxford Street'], (r) => `NSW 20${r.digits(2)}`],
];

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 resident ID: area (6) + birth date (8) + sequence (3) + ISO 7064 MOD 11-2 check character. */
function residentId(area, birthDate, rng) {
  const body = `${area}${birthDate.replaceAll('-', '')}${rng.digits(3)}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i];
  return body + ID_CHECK[sum % 11];
}

const pad = (n) => String(n).padStart(2, '0');
function birthDate(rng) {
  const year = rng.between(1950, 2005);
  const month = rng.between(1, 12);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(rng.between(1, days))}`;
}

const ascii = (s) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

function chineseContact(rng) {
  const [surname, surnamePy] = rng.pick(CN_SURNAMES);
  const givenCount = rng.chance(0.7) ? 2 : 1;
  let given = '';
  let givenPy = '';
  for (let i = 0; i < givenCount; i++) {
    const [c, p] = rng.pick(CN_GIVEN);
    given += c;
    givenPy += p;
  }
  const name = rng.chance(0.05) ? `${surname} ${given}` : `${surname}${given}`;
  const domain = rng.pick(CN_MAIL_DOMAINS);
  const email =
    domain === 'qq.com'
      ? `${rng.between(10_000_000, 3_999_999_999)}@qq.com`
      : `${rng.chance(0.5) ? `${surnamePy}.${givenPy}` : `${givenPy}${surnamePy}`}${rng.between(1, 99_999)}@${domain}`;
  const mobile = `${rng.pick(CN_MOBILE_PREFIXES)}${rng.digits(8)}`;
  const style = rng.int(5);
  const phone =
    style === 0
      ? mobile
      : style === 1
        ? `${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`
        : style === 2
          ? `+86 ${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`
          : style === 3
            ? `+86${mobile}`
            : `010-${rng.between(5000, 8999)} ${rng.digits(4)}`;
  const born = birthDate(rng);
  const [province, district, area] = rng.pick(CN_PLACES);
  const street = `${rng.pick(CN_STREETS)}${rng.between(1, 399)}号`;
  const flat = `${rng.between(1, 30)}栋${rng.between(1, 6)}单元${rng.between(1, 32)}${pad(rng.between(1, 8))}室`;
  const address = rng.chance(0.5) ? `${province} ${district} ${street} ${flat}` : `${province}${district}${street}${flat}`;
  return { name, email, phone, idNumber: residentId(area, born, rng), birthDate: born, address };
}

function latinContact(rng) {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const name = rng.chance(0.1) ? `${first} ${rng.letters(1)}. ${last}` : `${first} ${last}`;
  const [city, country, phoneOf, streets, postcodeOf] = rng.pick(LATIN_PLACES);
  const local = rng.chance(0.6) ? `${ascii(first)}.${ascii(last)}` : `${ascii(first)[0]}${ascii(last)}`;
  const email = `${local}${rng.between(1, 99_999)}@${rng.pick(LATIN_MAIL_DOMAINS)}`;
  const idNumber = rng.chance(0.5) ? `${rng.letters(2)}${rng.digits(7)}` : rng.digits(9);
  const postcode = postcodeOf(rng);
  const address = `${rng.between(1, 250)} ${rng.pick(streets)}, ${city}${postcode ? ` ${postcode}` : ''}, ${country}`;
  return { name, email, phone: phoneOf(rng), idNumber, birthDate: birthDate(rng), address };
}

/** One contact: 60% Chinese, 40% Latin-script. */
export function randomContact(rng) {
  return rng.chance(0.6) ? chineseContact(rng) : latinContact(rng);
}

/** `count` contacts from the given stream. */
export function contactBatch(rng, count) {
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = randomContact(rng);
  return out;
}
