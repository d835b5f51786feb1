-- 公安户籍 Household Registration: legacy population database, with the
-- marriage registrations it receives (reference copy with synthetic data,
-- see adapters/datagen).
--
-- Persons are keyed by the registry's local person id RYID; the citizen
-- identity number GMSFHM is an attribute. Dates are 'YYYYMMDD'. Codes follow
-- the national standards (GB/T 4761 family relations, GB/T 2261.2 marital
-- status, GB/T 3304 ethnic groups). The adapter (adapters/registry) maps the
-- tables to registry.household, registry.marriage and registry.resident.
--
-- A person who moves between households keeps the old HJ_RY row (RYZT '2',
-- ZXRQ = the day of moving out, QWDZ = the address moved to) and gets a new
-- row under a new RYID in the new household.

-- 与户主关系 relation to the head of household (GB/T 4761).
CREATE TABLE DM_YHZGX (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_YHZGX (DM, MC) VALUES
  ('02', '户主'), ('10', '配偶'), ('20', '子'), ('30', '女'),
  ('51', '父亲'), ('52', '母亲'), ('99', '其他');

-- 婚姻状况 marital status (GB/T 2261.2).
CREATE TABLE DM_HYZK (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_HYZK (DM, MC) VALUES
  ('10', '未婚'), ('20', '已婚'), ('21', '初婚'), ('22', '再婚'),
  ('23', '复婚'), ('30', '丧偶'), ('40', '离婚'), ('90', '未说明的婚姻状况');

-- 民族 ethnic groups (GB/T 3304).
CREATE TABLE DM_MZ (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_MZ (DM, MC) VALUES
  ('01', '汉族'), ('02', '蒙古族'), ('03', '回族'), ('04', '藏族'),
  ('05', '维吾尔族'), ('06', '苗族'), ('07', '彝族'), ('08', '壮族'),
  ('09', '布依族'), ('10', '朝鲜族'), ('11', '满族'), ('12', '侗族'),
  ('13', '瑶族'), ('14', '白族'), ('15', '土家族'), ('16', '哈尼族'),
  ('17', '哈萨克族'), ('18', '傣族'), ('19', '黎族'), ('20', '傈僳族'),
  ('21', '佤族'), ('22', '畲族'), ('23', '高山族'), ('24', '拉祜族'),
  ('25', '水族'), ('26', '东乡族'), ('27', '纳西族'), ('28', '景颇族'),
  ('29', '柯尔克孜族'), ('30', '土族'), ('31', '达斡尔族'), ('32', '仫佬族'),
  ('33', '羌族'), ('34', '布朗族'), ('35', '撒拉族'), ('36', '毛南族'),
  ('37', '仡佬族'), ('38', '锡伯族'), ('39', '阿昌族'), ('40', '普米族'),
  ('41', '塔吉克族'), ('42', '怒族'), ('43', '乌孜别克族'), ('44', '俄罗斯族'),
  ('45', '鄂温克族'), ('46', '德昂族'), ('47', '保安族'), ('48', '裕固族'),
  ('49', '京族'), ('50', '塔塔尔族'), ('51', '独龙族'), ('52', '鄂伦春族'),
  ('53', '赫哲族'), ('54', '门巴族'), ('55', '珞巴族'), ('56', '基诺族'),
  ('97', '其他'), ('98', '外国血统中国籍人士');

-- 户 households.
CREATE TABLE HJ_HU (
  HH     TEXT PRIMARY KEY,      -- 户号
  HLB    TEXT NOT NULL,         -- 户类别: '1' 家庭户, '2' 集体户
  ZZ     TEXT NOT NULL,         -- 住址
  QXDM   TEXT NOT NULL,         -- 区县代码
  PCS    TEXT NOT NULL,         -- 派出所
  HZRYID TEXT,                  -- 户主 -> HJ_RY.RYID; NULL for 集体户
  LHRQ   TEXT NOT NULL          -- 立户日期
);

-- 人员 persons ever registered, including those whose registration ended.
CREATE TABLE HJ_RY (
  RYID   TEXT PRIMARY KEY,      -- 人员编号 (local person id)
  GMSFHM TEXT NOT NULL,         -- 公民身份号码
  XM     TEXT NOT NULL,         -- 姓名
  XB     TEXT NOT NULL,         -- 性别: '1' 男, '2' 女
  MZ     TEXT NOT NULL,         -- 民族 (GB/T 3304)
  CSRQ   TEXT NOT NULL,         -- 出生日期
  HH     TEXT NOT NULL,         -- 户号 -> HJ_HU
  YHZGX  TEXT NOT NULL,         -- 与户主关系 -> DM_YHZGX
  HYZK   TEXT NOT NULL,         -- 婚姻状况 -> DM_HYZK
  QRRQ   TEXT NOT NULL,         -- 迁入(登记)日期 in this household
  RYZT   TEXT NOT NULL,         -- 人员状态: '0' 正常, '1' 死亡注销, '2' 迁出注销
  ZXRQ   TEXT,                  -- 注销日期; NULL while registered
  QWDZ   TEXT                   -- 迁往地址 where the person moved (RYZT '2')
);
CREATE INDEX HJ_RY_GMSFHM ON HJ_RY (GMSFHM);
CREATE INDEX HJ_RY_HH ON HJ_RY (HH);
CREATE INDEX HJ_HU_ZZ ON HJ_HU (ZZ);
CREATE INDEX HJ_HU_QXDM ON HJ_HU (QXDM);

-- 婚姻登记 marriage and divorce registrations (from civil affairs).
CREATE TABLE HY_DJ (
  DJID  INTEGER PRIMARY KEY,
  YWLB  TEXT NOT NULL,          -- 业务类别: '1' 结婚登记, '2' 离婚登记
  NFXM  TEXT NOT NULL,          -- 男方姓名
  NFSFZ TEXT NOT NULL,          -- 男方身份证号
  NVXM  TEXT NOT NULL,          -- 女方姓名
  NVSFZ TEXT NOT NULL,          -- 女方身份证号
  DJRQ  TEXT NOT NULL,          -- 登记日期
  DJJG  TEXT NOT NULL           -- 登记机关
);
CREATE INDEX HY_DJ_NFSFZ ON HY_DJ (NFSFZ);
CREATE INDEX HY_DJ_NVSFZ ON HY_DJ (NVSFZ);
