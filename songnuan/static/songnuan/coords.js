/* WGS-84 → GCJ-02 → BD-09 in the browser, the same formulas as songnuan/geo/coords.py.
   Songnuan stores WGS-84; Chinese commercial tiles are drawn in GCJ-02 (AMap, Tencent) or BD-09
   (Baidu), so a map shifts every marker, line and outline to its tiles' system before drawing. */
(function (root) {
  "use strict";
  var A = 6378245.0;                  // Krasovsky 1940 semi-major axis (m)
  var EE = 0.00669342162296594323;    // its eccentricity squared
  var X_PI = Math.PI * 3000.0 / 180.0;
  var BD_LAT_OFFSET = 0.006, BD_LON_OFFSET = 0.0065;

  function isOutsideChina(lat, lon) {
    return !(lat >= 0.8293 && lat <= 55.8271 && lon >= 72.004 && lon <= 137.8347);
  }
  function offsetLat(x, y) {
    var ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    ret += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    ret += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    ret += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320.0 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return ret;
  }
  function offsetLon(x, y) {
    var ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    ret += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    ret += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    ret += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return ret;
  }
  function wgs84ToGcj02(lat, lon) {
    if (isOutsideChina(lat, lon)) { return [lat, lon]; }
    var x = lon - 105.0, y = lat - 35.0;
    var radLat = lat * (Math.PI / 180.0);
    var sinLat = Math.sin(radLat);
    var magic = 1.0 - EE * sinLat * sinLat;
    var sqrtMagic = Math.sqrt(magic);
    var dLat = (offsetLat(x, y) * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtMagic) * Math.PI);
    var dLon = (offsetLon(x, y) * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lat + dLat, lon + dLon];
  }
  function gcj02ToBd09(lat, lon) {
    var z = Math.hypot(lon, lat) + 0.00002 * Math.sin(lat * X_PI);
    var theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
    return [z * Math.sin(theta) + BD_LAT_OFFSET, z * Math.cos(theta) + BD_LON_OFFSET];
  }
  function wgs84ToBd09(lat, lon) {
    var gcj = wgs84ToGcj02(lat, lon);
    return gcj02ToBd09(gcj[0], gcj[1]);
  }
  /* A stored WGS-84 position as [lat, lon] in `crs` ("wgs84", "gcj02" or "bd09"). */
  function fromWgs84(lat, lon, crs) {
    if (crs === "gcj02") { return wgs84ToGcj02(lat, lon); }
    if (crs === "bd09") { return wgs84ToBd09(lat, lon); }
    return [lat, lon];
  }
  /* For Leaflet: a latLng function and a GeoJSON `coordsToLatLng` option for the tiles' system. */
  function latLng(crs) {
    return function (lat, lon) { var p = fromWgs84(lat, lon, crs); return L.latLng(p[0], p[1]); };
  }
  function geoJsonCoords(crs) {
    return function (coords) { var p = fromWgs84(coords[1], coords[0], crs); return L.latLng(p[0], p[1]); };
  }
  /* The served city's centre (WGS-84 [lat, lon]) the pages carry on <html data-city-centre>. */
  function cityCentre() {
    var parts = (document.documentElement.dataset.cityCentre || "").split(",");
    return parts.length === 2 ? [parseFloat(parts[0]), parseFloat(parts[1])] : [35.0, 105.0];
  }
  root.SongnuanCoords = {
    isOutsideChina: isOutsideChina, wgs84ToGcj02: wgs84ToGcj02, gcj02ToBd09: gcj02ToBd09,
    wgs84ToBd09: wgs84ToBd09, fromWgs84: fromWgs84, latLng: latLng, geoJsonCoords: geoJsonCoords,
    cityCentre: cityCentre
  };
})(window);
