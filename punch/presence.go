package punch

// State is where a staff member is, for the live board (在席状況).
type State string

// States.
const (
	StateNotIn   State = "not_in"   // 未出勤
	StateIn      State = "in"       // 在席
	StateOnBreak State = "on_break" // 休憩中
	StateOut     State = "out"      // 外出中
	StateLeft    State = "left"     // 退勤済
)

var stateLabels = map[State]string{
	StateNotIn: "未出勤", StateIn: "在席", StateOnBreak: "休憩中", StateOut: "外出中", StateLeft: "退勤済",
}

// Label returns the Japanese name of s.
func (s State) Label() string { return stateLabels[s] }

// Presence returns a staff member's state from their punches of the current
// business day (corrections applied as in Sequence). The latest punch
// decides: the board shows what the person last declared, and whether the
// sequence adds up is for Exceptions to say. Unknown kinds are skipped.
func Presence(punches []Punch) State {
	seq := Sequence(punches)
	for i := len(seq) - 1; i >= 0; i-- {
		switch seq[i].Kind {
		case ClockIn, BreakEnd, Return:
			return StateIn
		case BreakStart:
			return StateOnBreak
		case GoOut:
			return StateOut
		case ClockOut:
			return StateLeft
		}
	}
	return StateNotIn
}
