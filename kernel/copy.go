package kernel

import (
	"reflect"
	"sync"
)

// Copy returns a deep copy of *v made with reflection: structs are copied
// by value and then every exported field holding a pointer, slice, map or
// interface is copied in turn; unexported fields are copied as values
// (shared if they point somewhere), which is safe for the immutable value
// types documents hold (o2c.Money, decimals, dates, IDs). It is the
// default Clone of a Spec: much cheaper than an encoding round trip.
func Copy[T any](v *T) *T {
	if v == nil {
		return nil
	}
	out := new(T)
	dst := reflect.ValueOf(out).Elem()
	copyInto(dst, reflect.ValueOf(v).Elem())
	return out
}

// deep caches, per type, whether a value of it may share memory that a
// deep copy must not share (anything but plain values).
var deep sync.Map // reflect.Type -> bool

func needsDeep(t reflect.Type) bool {
	if d, ok := deep.Load(t); ok {
		return d.(bool)
	}
	deep.Store(t, true) // recursion guard: assume deep while computing
	d := false
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		d = true
	case reflect.Array:
		d = needsDeep(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() && needsDeep(f.Type) {
				d = true
				break
			}
		}
	}
	deep.Store(t, d)
	return d
}

func copyInto(dst, src reflect.Value) {
	t := src.Type()
	if !needsDeep(t) {
		dst.Set(src)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(t.Elem())
		copyInto(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(t, src.Len(), src.Len())
		if needsDeep(t.Elem()) {
			for i := range src.Len() {
				copyInto(s.Index(i), src.Index(i))
			}
		} else {
			reflect.Copy(s, src)
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(t, src.Len())
		it := src.MapRange()
		for it.Next() {
			v := reflect.New(t.Elem()).Elem()
			copyInto(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		v := reflect.New(src.Elem().Type()).Elem()
		copyInto(v, src.Elem())
		dst.Set(v)
	case reflect.Array:
		for i := range src.Len() {
			copyInto(dst.Index(i), src.Index(i))
		}
	case reflect.Struct:
		dst.Set(src) // unexported fields by value
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && needsDeep(f.Type) {
				copyInto(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}
