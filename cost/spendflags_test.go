package cost

import (
	"io"
	"strings"
	"testing"
)

// --monthly-api-spend is the spend itself: a price or mix to price a
// volume at beside it was dropped without a word ('advise
// --monthly-api-spend 5000 --api-price-per-m 4' advised at $5,000 as if
// the price had not been given). They are refused together, as a volume
// and a spend are.
func TestAdviseRefusesPricingFlagsBesideASpend(t *testing.T) {
	for _, v := range []Volume{{APIPricePerM: 4}, {InputShare: 0.5}, {CachedInputShare: 0.3}} {
		v.APIModel = DefaultAPIModel
		err := RunAdvise(io.Discard, AdviseOptions{Volume: v, MonthlyAPISpend: 5000})
		if err == nil || !strings.Contains(err.Error(), "--monthly-api-spend") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v beside --monthly-api-spend: %v; want one line refusing them together", v, err)
		}
	}
	if err := RunAdvise(io.Discard, AdviseOptions{Volume: Volume{APIModel: DefaultAPIModel}, MonthlyAPISpend: 5000}); err != nil {
		t.Errorf("--monthly-api-spend alone (and --api-model's default): %v", err)
	}
}
