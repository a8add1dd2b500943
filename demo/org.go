package demo

import (
	"fmt"

	"kintai"
)

// fullTreeMinStaff is the smallest staff count that gets the whole org
// tree; smaller wards get the sections marked small.
const fullTreeMinStaff = 2000

// deptDef is a 部 of the model ward.
type deptDef struct {
	name     string
	sections []sectionDef
}

// sectionDef is a 課.
type sectionDef struct {
	name  string
	small bool // part of the small ward
	// branch sections serve residents at the 総合支所: their 係 sit there.
	branch bool
	// hr sections are the 人事課: their staff hold the HR role everywhere.
	hr    bool
	teams []teamDef
}

// teamDef is a 係.
type teamDef struct {
	name string
	// runs is the kind of facility whose part-timers belong to this 係.
	runs siteKind
	// admin is where the system administrator works.
	admin bool
}

// orgTree is the model ward, after the organisation of a large Tokyo ward.
// Codes come from positions in this list, so the same unit has the same
// code at every scale.
var orgTree = []deptDef{
	{name: "政策経営部", sections: []sectionDef{
		{name: "政策企画課", teams: []teamDef{{name: "企画係"}, {name: "調整係"}, {name: "広域連携係"}}},
		{name: "財政課", teams: []teamDef{{name: "財政係"}, {name: "予算係"}, {name: "資産活用係"}}},
		{name: "広報広聴課", teams: []teamDef{{name: "広報係"}, {name: "広聴係"}, {name: "報道係"}}},
		{name: "情報政策課", small: true, teams: []teamDef{{name: "情報政策係"}, {name: "システム運用係", admin: true}, {name: "情報セキュリティ係"}}},
		{name: "行政経営改革課", teams: []teamDef{{name: "行政改革係"}, {name: "業務改善係"}, {name: "外郭団体係"}}},
	}},
	{name: "総務部", sections: []sectionDef{
		{name: "秘書課", teams: []teamDef{{name: "秘書係"}, {name: "渉外係"}}},
		{name: "総務課", teams: []teamDef{{name: "総務係"}, {name: "文書係"}, {name: "法務係"}}},
		{name: "人事課", small: true, hr: true, teams: []teamDef{{name: "人事係"}, {name: "給与係"}, {name: "職員厚生係"}, {name: "人材育成係"}}},
		{name: "区政情報課", teams: []teamDef{{name: "情報公開係"}, {name: "統計係"}, {name: "区政資料係"}}},
		{name: "庁舎管理課", teams: []teamDef{{name: "庁舎管理係"}, {name: "営繕係"}, {name: "車両係"}}},
	}},
	{name: "財務部", sections: []sectionDef{
		{name: "経理課", teams: []teamDef{{name: "経理係"}, {name: "契約係"}, {name: "用度係"}}},
		{name: "課税課", branch: true, teams: []teamDef{{name: "課税管理係"}, {name: "住民税係"}, {name: "諸税係"}}},
		{name: "納税課", branch: true, teams: []teamDef{{name: "納税管理係"}, {name: "収納係"}, {name: "滞納整理係"}}},
	}},
	{name: "危機管理部", sections: []sectionDef{
		{name: "危機管理課", teams: []teamDef{{name: "危機管理係"}, {name: "防災計画係"}, {name: "安全安心係"}}},
		{name: "災害対策課", teams: []teamDef{{name: "災害対策係"}, {name: "備蓄係"}, {name: "防災訓練係"}}},
	}},
	{name: "区民生活部", sections: []sectionDef{
		{name: "地域行政課", small: true, teams: []teamDef{{name: "地域行政係"}, {name: "地域活動支援係"}, {name: "まちづくりセンター係", runs: machiCenter}}},
		{name: "住民記録・戸籍課", small: true, branch: true, teams: []teamDef{{name: "住民記録係"}, {name: "戸籍係"}, {name: "証明係"}}},
		{name: "市民活動推進課", teams: []teamDef{{name: "市民活動係"}, {name: "町会・自治会係"}, {name: "区民施設係"}}},
		{name: "文化・国際課", teams: []teamDef{{name: "文化振興係"}, {name: "国際交流係"}, {name: "男女共同参画係"}}},
	}},
	{name: "経済産業部", sections: []sectionDef{
		{name: "商業課", teams: []teamDef{{name: "商業振興係"}, {name: "商店街支援係"}, {name: "観光係"}}},
		{name: "産業連携課", teams: []teamDef{{name: "産業連携係"}, {name: "雇用促進係"}, {name: "創業支援係"}}},
		{name: "消費生活課", teams: []teamDef{{name: "消費生活係"}, {name: "相談係"}, {name: "計量係"}}},
		{name: "都市農業課", teams: []teamDef{{name: "農業振興係"}, {name: "農地保全係"}, {name: "農業公園係"}}},
	}},
	{name: "保健福祉政策部", sections: []sectionDef{
		{name: "保健福祉政策課", teams: []teamDef{{name: "政策調整係"}, {name: "計画係"}, {name: "指導監査係"}}},
		{name: "保健医療福祉推進課", teams: []teamDef{{name: "地域包括ケア係"}, {name: "医療連携係"}, {name: "在宅医療係"}}},
		{name: "国保・年金課", branch: true, teams: []teamDef{{name: "国保資格係"}, {name: "国保給付係"}, {name: "国民年金係"}}},
		{name: "生活福祉課", branch: true, teams: []teamDef{{name: "保護係"}, {name: "自立支援係"}, {name: "相談支援係"}}},
	}},
	{name: "高齢福祉部", sections: []sectionDef{
		{name: "高齢福祉課", branch: true, teams: []teamDef{{name: "高齢福祉係"}, {name: "在宅支援係"}, {name: "施設支援係"}}},
		{name: "介護保険課", teams: []teamDef{{name: "介護保険管理係"}, {name: "認定係"}, {name: "給付係"}}},
		{name: "介護予防・地域支援課", teams: []teamDef{{name: "介護予防係"}, {name: "地域支援係"}, {name: "認知症施策係"}}},
	}},
	{name: "障害福祉部", sections: []sectionDef{
		{name: "障害施策推進課", teams: []teamDef{{name: "障害施策係"}, {name: "就労支援係"}, {name: "障害者差別解消係"}}},
		{name: "障害保健福祉課", branch: true, teams: []teamDef{{name: "障害福祉係"}, {name: "精神保健福祉係"}, {name: "障害給付係"}}},
		{name: "障害者地域生活課", teams: []teamDef{{name: "地域生活係"}, {name: "施設係"}, {name: "居住支援係"}}},
	}},
	{name: "子ども・若者部", sections: []sectionDef{
		{name: "子ども・若者支援課", teams: []teamDef{{name: "子ども計画係"}, {name: "若者支援係"}, {name: "子ども家庭支援係"}}},
		{name: "児童課", small: true, teams: []teamDef{{name: "児童手当係"}, {name: "子ども医療係"}, {name: "児童館運営係", runs: childrenHall}}},
		{name: "保育課", small: true, teams: []teamDef{
			{name: "保育計画係"}, {name: "保育指導係"},
			{name: "保育園運営第一係", runs: nursery}, {name: "保育園運営第二係", runs: nursery},
			{name: "保育園運営第三係", runs: nursery}, {name: "保育園運営第四係", runs: nursery},
		}},
		{name: "保育認定・調整課", teams: []teamDef{{name: "入園調整係"}, {name: "保育認定係"}, {name: "保育料係"}}},
		{name: "児童相談支援課", teams: []teamDef{{name: "児童相談係"}, {name: "一時保護係"}, {name: "里親支援係"}}},
	}},
	{name: "保健所", sections: []sectionDef{
		{name: "健康推進課", teams: []teamDef{{name: "健康づくり係"}, {name: "母子保健係"}, {name: "がん対策係"}}},
		{name: "生活保健課", teams: []teamDef{{name: "食品衛生係"}, {name: "環境衛生係"}, {name: "医務薬事係"}}},
		{name: "感染症対策課", teams: []teamDef{{name: "感染症対策係"}, {name: "予防接種係"}, {name: "結核対策係"}}},
	}},
	{name: "環境政策部", sections: []sectionDef{
		{name: "環境計画課", teams: []teamDef{{name: "環境計画係"}, {name: "温暖化対策係"}, {name: "環境学習係"}}},
		{name: "環境保全課", teams: []teamDef{{name: "環境保全係"}, {name: "公害対策係"}, {name: "騒音振動係"}}},
		{name: "清掃・リサイクル課", teams: []teamDef{{name: "清掃係"}, {name: "リサイクル推進係"}, {name: "事業系ごみ対策係"}}},
	}},
	{name: "都市整備政策部", sections: []sectionDef{
		{name: "都市計画課", teams: []teamDef{{name: "都市計画係"}, {name: "土地利用係"}, {name: "都市デザイン係"}}},
		{name: "住宅課", teams: []teamDef{{name: "住宅政策係"}, {name: "区営住宅係"}, {name: "住宅助成係"}}},
		{name: "建築審査課", teams: []teamDef{{name: "建築審査係"}, {name: "建築指導係"}, {name: "構造審査係"}}},
		{name: "建築安全課", teams: []teamDef{{name: "耐震促進係"}, {name: "建築安全係"}, {name: "空家対策係"}}},
		{name: "市街地整備課", teams: []teamDef{{name: "市街地整備係"}, {name: "再開発係"}, {name: "駅周辺整備係"}}},
	}},
	{name: "土木部", sections: []sectionDef{
		{name: "道路管理課", teams: []teamDef{{name: "道路管理係"}, {name: "占用係"}, {name: "境界係"}}},
		{name: "道路整備課", teams: []teamDef{{name: "道路計画係"}, {name: "道路工事係"}, {name: "橋梁係"}}},
		{name: "公園緑地課", teams: []teamDef{{name: "公園計画係"}, {name: "公園管理係"}, {name: "みどり推進係"}}},
		{name: "交通政策課", teams: []teamDef{{name: "交通企画係"}, {name: "自転車対策係"}, {name: "公共交通係"}}},
		{name: "豪雨対策・下水道整備課", teams: []teamDef{{name: "雨水対策係"}, {name: "下水道係"}}},
	}},
	{name: "教育委員会事務局", sections: []sectionDef{
		{name: "教育総務課", teams: []teamDef{{name: "庶務係"}, {name: "教育企画係"}, {name: "施設営繕係"}}},
		{name: "学務課", small: true, teams: []teamDef{
			{name: "学務係"},
			{name: "学校運営第一係", runs: elementary}, {name: "学校運営第二係", runs: elementary},
			{name: "学校運営第三係", runs: juniorHigh},
		}},
		{name: "学校健康推進課", teams: []teamDef{{name: "学校保健係"}, {name: "学校給食係"}}},
		{name: "教育指導課", teams: []teamDef{{name: "指導係"}, {name: "教育相談係"}, {name: "特別支援教育係"}}},
		{name: "生涯学習課", teams: []teamDef{{name: "生涯学習係"}, {name: "社会教育係"}, {name: "スポーツ推進係"}}},
		{name: "中央図書館", small: true, teams: []teamDef{{name: "図書館管理係"}, {name: "図書サービス係"}, {name: "地域図書館係", runs: library}}},
	}},
}

// dept, section and team are the units of one generated ward.
type dept struct {
	code     string
	sections []*section
}

type section struct {
	code  string
	def   *sectionDef
	teams []*team
}

type team struct {
	code string
	def  *teamDef
	// home is where the team's regular staff work.
	home *site
	// regulars is how many regular staff the team has besides its 係長;
	// fiscal lists its 会計年度任用職員.
	regulars int
	fiscal   []fiscalPlan
}

// orgUnits adds the org units to g.m and returns the tree: the whole model
// ward when full, else only its small sections.
func (g *generator) orgUnits(full bool) []*dept {
	var depts []*dept
	for i := range orgTree {
		dd := &orgTree[i]
		d := &dept{code: fmt.Sprintf("B%02d", i+1)}
		for j := range dd.sections {
			sd := &dd.sections[j]
			if !full && !sd.small {
				continue
			}
			s := &section{code: fmt.Sprintf("%s-K%02d", d.code, j+1), def: sd}
			for k := range sd.teams {
				s.teams = append(s.teams, &team{code: fmt.Sprintf("%s-T%02d", s.code, k+1), def: &sd.teams[k]})
			}
			d.sections = append(d.sections, s)
		}
		if len(d.sections) == 0 {
			continue
		}
		depts = append(depts, d)
		g.m.OrgUnits = append(g.m.OrgUnits, OrgUnit{Code: d.code, Name: dd.name, Kind: kintai.Department})
		for _, s := range d.sections {
			g.m.OrgUnits = append(g.m.OrgUnits, OrgUnit{Code: s.code, Name: s.def.name, Kind: kintai.Section, ParentCode: d.code})
			for _, t := range s.teams {
				g.m.OrgUnits = append(g.m.OrgUnits, OrgUnit{Code: t.code, Name: t.def.name, Kind: kintai.Team, ParentCode: s.code})
			}
		}
	}
	return depts
}
