"""Write minsheng/data/common-passwords.txt.gz, the portal's list of passwords staff may not use.

Django's own list (about 20,000 passwords from public breaches) is read beside this one by
``minsheng.passwords.CommonPasswordValidator``; this list adds what that one misses: passwords
common among Chinese users (pinyin names and phrases, keyboard walks, lucky numbers) and the
words of this site (its name, the district, the city, the office), each also with the years
people append. The validator already strips a year or digits around a word; the variants are
written out so that the file is of use to any checker that looks up whole passwords.

Run ``python scripts/build_common_passwords.py`` after changing the words; commit the result.
"""

from __future__ import annotations

import gzip
from pathlib import Path


def _words(text: str) -> list[str]:
    # Words written as running text, one line per theme: easier to read and extend than a list.
    return text.split()


TARGET = Path(__file__).resolve().parents[1] / "minsheng" / "data" / "common-passwords.txt.gz"

# The site, the district, the city, the province, the office, government words.
SITE_WORDS = _words("""
minsheng minshengshishi msss minshenggongcheng minshenggc mszx
yuhui yuhuiqu yhq yuhuidistrict bengbu bengbushi bbs bengbuyuhui bbyh yuhuibengbu
anhui anhuisheng ahbb ahbengbu hefei tushan tushanfengjingqu huaihe zhangongshan
fagaiwei fgw fazhangaigewei yuhuifgw yhfgw bbfgw fagaiju minshenggu
zhengfu zhengwu gov govcn renda renmin renmindaibiao dangwei quwei quzhengfu
portal admin administrator root superuser guanliyuan guanli houtai tianbao tianbaoyuan
ceshi test tester demo mima wodemima mimamima password passwd passw0rd
禹会区 禹会 蚌埠 蚌埠市 民生 民生实事 民生工程 发改委 安徽 涂山 淮河 政府 管理员 密码
""")

# Passwords common among Chinese users (published breach analyses: CSDN, 163, Tianya).
CHINESE_COMMON = _words("""
woaini woaini1314 woaini520 woainima woaiwojia woaini123 aini1314 aiwo1314 1314520 5201314
520520 520131 1314521 5211314 woshishui wodemima nihao nihaoma nihao123 caonima tamade
zhongguo zhonghua zhonghuarenmin china chinese beijing shanghai guangzhou shenzhen nanjing
qq123456 qq5201314 qwe123 qweasd qweasdzxc qazwsx qazwsxedc 1qaz2wsx 1q2w3e4r 1q2w3e4r5t
zxcvbnm asdfghjkl qwertyuiop 123qwe 123asd a123456 a123456789 aa123456 abc123456 abcd1234
1234qwer asd123 asdasd zxc123 q1w2e3r4 11223344 112233 123123 321321 147258369 159357
789456123 741852963 666666 888888 168168 518518 886886 168888 8888888 6666666 9999999
tiantian baobao beibei xiaobao xiaoxiao laopo laogong baobei aiqing xingfu kuaile pingan
jiayou fendou huanying dongdong mingming xiaoming xiaohong lele nana jingjing yangyang
huawei xiaomi lenovo tencent baidu alibaba taobao weixin wechat
""")

# The most common surnames and full names in pinyin: "zhangwei1990" is the classic.
NAMES = _words("""
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng
liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye
cheng wei su lv ding ren shen yao lu jin cui wan fan
zhangwei wangwei wangfang liwei lina zhangmin lijing wangjing liuwei wangxiuying zhangli
lixiuying wangli zhangjing zhangxiuying liqiang wangmin limin wanglei liuyang wangyan
wangyong lijun zhangyong lijie zhangjie zhangtao wangtao liyan wangchao liming liyong
zhanglei wangqiang wangjun liuyan liufang chenjing yangjing liujie wangping zhangping
""")

YEARS = [str(year) for year in range(1990, 2036)]


def words() -> list[str]:
    found = set(CHINESE_COMMON) | set(NAMES)
    for word in SITE_WORDS:
        found.add(word)
        for year in YEARS:
            found |= {f"{word}{year}", f"{word}@{year}", f"{word}{year[2:]}"}
        found |= {f"{word}123", f"{word}123456", f"{word}888", f"{word}666"}
    return sorted(found)


def main() -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    content = "".join(f"{word}\n" for word in words()).encode()
    # mtime=0: the same words give the same file, so that a rebuild changes nothing in git.
    with TARGET.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(content)
    print(f"{TARGET}: {len(words())} passwords")


if __name__ == "__main__":
    main()
