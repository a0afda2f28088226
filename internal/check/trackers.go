package check

import "strings"

// The Cookie Policy's own sentences, quoted by findings.
const (
	promiseAnalytics   = "No Google Analytics, Plausible, Fathom, or any other analytics"
	promiseAdvertising = "No Facebook Pixel, Google Ads, or any advertising tracker"
	promiseReplay      = "No session replay or heatmap tools"
	promiseStripe      = "We do not embed Stripe elements on our own pages"
	promiseNoCookies   = "No third-party cookies"
	promiseFingerprint = "No fingerprinting"
)

type tracker struct {
	suffix  string // host or host suffix
	name    string
	kind    string
	promise string
}

// trackers are hosts whose scripts, pixels or frames track visitors.
var trackers = []tracker{
	{"googletagmanager.com", "Google Tag Manager", "an analytics/advertising tracker", promiseAnalytics},
	{"google-analytics.com", "Google Analytics", "an analytics tracker", promiseAnalytics},
	{"analytics.google.com", "Google Analytics", "an analytics tracker", promiseAnalytics},
	{"doubleclick.net", "Google Ads (DoubleClick)", "an advertising tracker", promiseAdvertising},
	{"googleadservices.com", "Google Ads", "an advertising tracker", promiseAdvertising},
	{"googlesyndication.com", "Google AdSense", "an advertising tracker", promiseAdvertising},
	{"adservice.google.com", "Google Ads", "an advertising tracker", promiseAdvertising},
	{"connect.facebook.net", "Facebook Pixel", "an advertising tracker", promiseAdvertising},
	{"facebook.com", "Facebook Pixel", "an advertising tracker", promiseAdvertising},
	{"plausible.io", "Plausible", "an analytics tool", promiseAnalytics},
	{"usefathom.com", "Fathom", "an analytics tool", promiseAnalytics},
	{"hotjar.com", "Hotjar", "a session replay and heatmap tool", promiseReplay},
	{"hotjar.io", "Hotjar", "a session replay and heatmap tool", promiseReplay},
	{"clarity.ms", "Microsoft Clarity", "a session replay and heatmap tool", promiseReplay},
	{"fullstory.com", "FullStory", "a session replay tool", promiseReplay},
	{"mouseflow.com", "Mouseflow", "a session replay and heatmap tool", promiseReplay},
	{"logrocket.com", "LogRocket", "a session replay tool", promiseReplay},
	{"smartlook.com", "Smartlook", "a session replay tool", promiseReplay},
	{"segment.com", "Segment", "an analytics tracker", promiseAnalytics},
	{"segment.io", "Segment", "an analytics tracker", promiseAnalytics},
	{"mixpanel.com", "Mixpanel", "an analytics tracker", promiseAnalytics},
	{"amplitude.com", "Amplitude", "an analytics tracker", promiseAnalytics},
	{"heapanalytics.com", "Heap", "an analytics tracker", promiseAnalytics},
	{"matomo.cloud", "Matomo", "an analytics tool", promiseAnalytics},
	{"statcounter.com", "StatCounter", "an analytics tool", promiseAnalytics},
	{"quantserve.com", "Quantcast", "an advertising tracker", promiseAdvertising},
	{"scorecardresearch.com", "Comscore", "an analytics tracker", promiseAnalytics},
	{"ads-twitter.com", "X (Twitter) Ads", "an advertising tracker", promiseAdvertising},
	{"analytics.twitter.com", "X (Twitter) Ads", "an advertising tracker", promiseAdvertising},
	{"snap.licdn.com", "LinkedIn Insight", "an advertising tracker", promiseAdvertising},
	{"px.ads.linkedin.com", "LinkedIn Insight", "an advertising tracker", promiseAdvertising},
	{"bat.bing.com", "Microsoft Ads", "an advertising tracker", promiseAdvertising},
	{"analytics.tiktok.com", "TikTok Pixel", "an advertising tracker", promiseAdvertising},
	{"js.stripe.com", "Stripe.js (Stripe elements)", "an embedded Stripe element", promiseStripe},
	{"m.stripe.network", "Stripe.js (Stripe elements)", "an embedded Stripe element", promiseStripe},
	{"fonts.googleapis.com", "Google Fonts", "a third-party font service that sees every visitor", promiseNoCookies},
	{"fonts.gstatic.com", "Google Fonts", "a third-party font service that sees every visitor", promiseNoCookies},
}

// trackerFor returns the tracker a host belongs to.
func trackerFor(h string) (tracker, bool) {
	h = strings.ToLower(h)
	for _, t := range trackers {
		if h == t.suffix || strings.HasSuffix(h, "."+t.suffix) {
			return t, true
		}
	}
	return tracker{}, false
}

// trackerInText finds a tracker host named in a string (a script builds
// URLs from pieces, as Google's snippets do).
func trackerInText(s string) (tracker, bool) {
	s = strings.ToLower(s)
	for _, t := range trackers {
		if t.suffix == "facebook.com" {
			if strings.Contains(s, "facebook.com/tr") {
				return t, true
			}
			continue
		}
		if strings.Contains(s, t.suffix) {
			return t, true
		}
	}
	return tracker{}, false
}

// trackerGlobals are the functions and queues tracking snippets define.
var trackerGlobals = map[string]tracker{
	"gtag":      {"", "Google Analytics (gtag.js)", "an analytics tracker", promiseAnalytics},
	"dataLayer": {"", "Google Tag Manager (dataLayer)", "an analytics/advertising tracker", promiseAnalytics},
	"fbq":       {"", "Facebook Pixel (fbq)", "an advertising tracker", promiseAdvertising},
	"_paq":      {"", "Matomo (_paq)", "an analytics tool", promiseAnalytics},
	"_hsq":      {"", "HubSpot (_hsq)", "an analytics tracker", promiseAnalytics},
	"mixpanel":  {"", "Mixpanel", "an analytics tracker", promiseAnalytics},
	"hj":        {"", "Hotjar (hj)", "a session replay and heatmap tool", promiseReplay},
	"clarity":   {"", "Microsoft Clarity", "a session replay and heatmap tool", promiseReplay},
	"plausible": {"", "Plausible", "an analytics tool", promiseAnalytics},
	"fathom":    {"", "Fathom", "an analytics tool", promiseAnalytics},
}

// fingerprinting are the browser surfaces used to fingerprint visitors.
var fingerprinting = map[string]string{
	"toDataURL":                 "reads canvas pixels (canvas fingerprinting)",
	"getImageData":              "reads canvas pixels (canvas fingerprinting)",
	"AudioContext":              "creates an audio context (audio fingerprinting)",
	"webkitAudioContext":        "creates an audio context (audio fingerprinting)",
	"OfflineAudioContext":       "creates an audio context (audio fingerprinting)",
	"WEBGL_debug_renderer_info": "reads the graphics card's name (WebGL fingerprinting)",
	"getChannelData":            "reads audio samples (audio fingerprinting)",
	"enumerateDevices":          "lists the visitor's devices (fingerprinting)",
}

// navigatorFingerprint are navigator properties read only to fingerprint.
var navigatorFingerprint = map[string]bool{"plugins": true, "mimeTypes": true, "deviceMemory": true, "hardwareConcurrency": true}
